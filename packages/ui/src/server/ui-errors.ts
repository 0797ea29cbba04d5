/** One problem with what the page sent, named by field (relative to the definition, or `key`, `tenantId`, `namespace`). */
export interface FieldIssue {
  path: string;
  line?: number;
  message: string;
}

/** Stable codes of the UI API's refusals. */
export type UiErrorCode = 'ERR_UI_INVALID' | 'ERR_UI_CONFLICT' | 'ERR_UI_NOT_FOUND' | 'ERR_UI_FILE_INVALID';

/** A refusal of the UI API: a stable `code`, the HTTP status, a message in words, and issues by field. */
export class UiError extends Error {
  readonly code: UiErrorCode;
  readonly status: 400 | 404 | 409;
  readonly issues: FieldIssue[];
  constructor(code: UiErrorCode, status: 400 | 404 | 409, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.issues = issues;
  }
}

/** A definition that failed validation; `issues` name fields relative to the definition. */
export class DefinitionError extends UiError {
  constructor(issues: FieldIssue[]) {
    super('ERR_UI_INVALID', 400, issues.map((i) => `${i.path || 'definition'}: ${i.message}`).join('\n'), issues);
  }
}
