import { CredflowError } from '@credflow/credentials-core';

/**
 * A template tried to reach past the sandbox: a prototype member, a value
 * that is not plain data, or a function that is not a registered global,
 * filter, test, macro or nunjucks helper. The message names the expression
 * as written in the template and its line, never a rendered value.
 *
 * `Update` and a writable `name` let the error travel through nunjucks'
 * error wrapping (`lib._prettifyError`) with its name intact, so the render
 * can tell it apart from other template errors.
 */
export class TemplateForbiddenError extends CredflowError {
  readonly code = 'ERR_TEMPLATE_FORBIDDEN';
  /** The expression as written in the template, e.g. `range.constructor`. */
  readonly expression: string;
  /** Why it is refused. */
  readonly reason: string;
  readonly lineno: number;
  readonly colno: number;

  constructor(expression: string, reason: string, line: number, column: number) {
    super(`'${expression}' is not allowed: ${reason}`);
    // Spelt out: asForbiddenError matches on it, and a bundler may rename the class.
    this.name = 'TemplateForbiddenError';
    this.expression = expression;
    this.reason = reason;
    this.lineno = line;
    this.colno = column;
  }

  /** nunjucks calls this to add the template path; the position goes in nunjucks' own format. */
  Update(path?: string): this {
    this.message = `(${path ?? 'unknown path'}) [Line ${this.lineno}, Column ${this.colno}]\n  ${this.message}`;
    return this;
  }
}

const FORBIDDEN_MESSAGE = /\[Line (\d+), Column (\d+)\]\s*'((?:[^']|'(?! is not allowed: ))*)' is not allowed: (.*)$/s;

/**
 * Recovers a {@link TemplateForbiddenError} from the plain `Error` nunjucks
 * hands back (it keeps the message and the name, not the class).
 */
export function asForbiddenError(err: unknown): TemplateForbiddenError | undefined {
  if (err instanceof TemplateForbiddenError) {
    return new TemplateForbiddenError(err.expression, err.reason, err.lineno, err.colno);
  }
  if (!(err instanceof Error) || err.name !== 'TemplateForbiddenError') return undefined;
  const m = FORBIDDEN_MESSAGE.exec(err.message);
  if (!m) return undefined;
  return new TemplateForbiddenError(m[3] as string, m[4] as string, Number(m[1]), Number(m[2]));
}
