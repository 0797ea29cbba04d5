import { CredflowError } from '@credflow/credentials-core';

/**
 * A render that failed: names the template and the line. Abstract: a
 * {@link TemplateError} (syntax, unknown name, or a failure of something the
 * template called: `cause` holds that error, e.g. a
 * `CredentialNotFoundError`) or a {@link TemplateSandboxError} (the template
 * reached past the sandbox).
 */
export abstract class TemplateRenderError extends CredflowError {
  abstract override readonly code: 'ERR_TEMPLATE' | 'ERR_TEMPLATE_FORBIDDEN';
  readonly template: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** What went wrong, without the template name and line (for callers that place it themselves). */
  readonly reason: string;

  constructor(
    template: string,
    line: number | undefined,
    column: number | undefined,
    message: string,
    cause?: unknown,
  ) {
    super(`template '${template}'${line !== undefined ? ` line ${line}` : ''}: ${message}`, { cause });
    this.template = template;
    this.reason = message;
    this.line = line;
    this.column = column;
  }
}

/**
 * A template that does not compile or render: a syntax error, an unknown
 * function or variable, or an error of a function it called (in `cause`,
 * with that error's own code).
 */
export class TemplateError extends TemplateRenderError {
  readonly code = 'ERR_TEMPLATE';
}

/** A template that reached past the sandbox (`cause` is the `TemplateForbiddenError` thrown inside the render). */
export class TemplateSandboxError extends TemplateRenderError {
  readonly code = 'ERR_TEMPLATE_FORBIDDEN';
}

/**
 * Turns a nunjucks error message (`(unknown path) [Line 2, Column 5]\n  Template
 * render error: ...`) into its parts.
 */
export function parseNunjucksError(message: string): { line?: number; column?: number; message: string } {
  const m = /\[Line (\d+), Column (\d+)\]/.exec(message);
  const text = message
    .replace(/^\([^)]*\)(?: \[Line \d+, Column \d+\])?\s*/, '')
    .replace(/^(Template render error|Error): /, '')
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/^(Template render error|Error): /, '')
    .replace(/\s+/g, ' ')
    .trim();
  return m ? { line: Number(m[1]), column: Number(m[2]), message: text } : { message: text };
}
