import { CredflowError } from '@credflow/credentials-core';

/** One problem with what the page sent, named by field (relative to the definition, or `key`, `tenantId`, `namespace`). */
export interface FieldIssue {
  path: string;
  line?: number;
  message: string;
}

/** Stable codes of the UI API's refusals. */
export type UiErrorCode = 'ERR_UI_INVALID' | 'ERR_UI_CONFLICT' | 'ERR_UI_NOT_FOUND' | 'ERR_UI_FILE_INVALID';

/**
 * A refusal of the UI API: a stable `code`, the HTTP status, a message in
 * words, and issues by field. Abstract: each concrete class has one code.
 */
export abstract class UiError extends CredflowError {
  abstract override readonly code: UiErrorCode;
  abstract readonly status: 400 | 404 | 409;
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/** A definition (or key, tenant, namespace) that failed validation; `issues` name fields relative to the definition. */
export class DefinitionError extends UiError {
  readonly code = 'ERR_UI_INVALID';
  readonly status = 400;
  constructor(issues: FieldIssue[], message = issues.map((i) => `${i.path || 'definition'}: ${i.message}`).join('\n')) {
    super(message, issues);
  }
}

/** The credential the page asks about is no longer in the file. */
export class UiNotFoundError extends UiError {
  readonly code = 'ERR_UI_NOT_FOUND';
  readonly status = 404;
}

/** A credential with that key already exists where the page wants to put one. */
export class UiConflictError extends UiError {
  readonly code = 'ERR_UI_CONFLICT';
  readonly status = 409;
}

/** The config file has YAML syntax errors the UI will not write over. */
export class UiFileError extends UiError {
  readonly code = 'ERR_UI_FILE_INVALID';
  readonly status = 400;
}
