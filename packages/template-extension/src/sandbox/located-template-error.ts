/**
 * A template error at a known position that is not a sandbox matter: an
 * unknown or misspelt function, an undefined variable or attribute under
 * strict variables. nunjucks' error wrapping keeps the message `Update`
 * writes, in nunjucks' own format, so the render reports the line.
 */
export class LocatedTemplateError extends Error {
  readonly lineno: number;
  readonly colno: number;

  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = 'Template render error';
    this.lineno = line;
    this.colno = column;
  }

  Update(path?: string): this {
    this.message = `(${path ?? 'unknown path'}) [Line ${this.lineno}, Column ${this.colno}]\n  ${this.message}`;
    return this;
  }
}
