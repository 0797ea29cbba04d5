import type { CredflowErrorCode } from '@credflow/credentials-core';

/**
 * A render that failed. Names the template and the line; `code` is the
 * credflow error code of the cause where there is one (e.g.
 * `ERR_CREDENTIAL_NOT_FOUND`, or `ERR_TEMPLATE_FORBIDDEN` when the template
 * reached past the sandbox), else `ERR_TEMPLATE`.
 */
export class TemplateRenderError extends Error {
  readonly code: CredflowErrorCode | 'ERR_TEMPLATE' | 'ERR_TEMPLATE_FORBIDDEN';
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
    this.name = 'TemplateRenderError';
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.code =
      typeof code === 'string' && code.startsWith('ERR_')
        ? (code as CredflowErrorCode | 'ERR_TEMPLATE_FORBIDDEN')
        : 'ERR_TEMPLATE';
    this.template = template;
    this.reason = message;
    this.line = line;
    this.column = column;
  }
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
