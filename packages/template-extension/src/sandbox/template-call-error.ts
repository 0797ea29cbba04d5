/**
 * A call of something that is not a function (an unknown or misspelt
 * function name). Carries its own template position: nunjucks' error
 * wrapping keeps the message `Update` writes, in nunjucks' own format.
 */
export class TemplateCallError extends Error {
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
