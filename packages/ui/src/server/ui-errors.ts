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

/**
 * A write that would overwrite something: a credential with that key already
 * exists where the page wants to put one, or the credential changed in the
 * file since the page loaded it (`changed`: the fields that differ, by name;
 * `version`: the file's version now, absent when the credential is gone).
 */
export class UiConflictError extends UiError {
  readonly code = 'ERR_UI_CONFLICT';
  readonly status = 409;
  readonly changed?: string[];
  readonly version?: string;
  constructor(message: string, issues: FieldIssue[] = [], details: { changed?: string[]; version?: string } = {}) {
    super(message, issues);
    if (details.changed) this.changed = details.changed;
    if (details.version) this.version = details.version;
  }
}

/** The config file has YAML syntax errors the UI will not write over. */
export class UiFileError extends UiError {
  readonly code = 'ERR_UI_FILE_INVALID';
  readonly status = 400;
}
