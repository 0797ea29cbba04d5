interface Tokenizer {
  in_code: boolean;
  lineno: number;
  colno: number;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  nextToken(): { type: string; value: unknown } | null;
  _parseString(delimiter: string): string;
  /** Open `{` of map literals in the current tag. */
  credflowBraces?: number;
}

/**
 * String literals as Pebble reads them (`LexerImpl.unquoteAndUnescape`):
 * `\'` (or `\"` in double quotes) is the quote and `\\` one backslash; any
 * other backslash stays as written, so `'(\d)'` is the regular expression
 * `(\d)` and `'\n'` is a backslash and an `n`, as in Kestra. nunjucks drops
 * the backslash (`'a\d'` was `ad`) and reads `\n`, `\t`, `\r`. Also as
 * Pebble's lexer: a `}` that closes an open `{` of a map literal is not
 * part of the tag's end (`{{ {'a': 1}}}`).
 *
 * The methods go on `proto`, the prototype of credflow's own subclass of
 * nunjucks' tokenizer (see `language/pebble-mode.ts`): other environments of
 * the same nunjucks keep nunjucks' rules.
 */
export function addPebbleStrings(proto: object): void {
  const target = proto as Tokenizer;
  target._parseString = function parseString(this: Tokenizer, delimiter: string): string {
    this.forward();
    let str = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const cur = this.current();
      if (cur === '\\') {
        this.forward();
        const next = this.current();
        str += next === delimiter || next === '\\' ? next : `\\${next}`;
        this.forward();
      } else {
        str += cur;
        this.forward();
      }
    }
    this.forward();
    return str;
  };
  // A map literal closed right before the tag's end (`{{ {'a': 1}}}`): as Pebble's lexer does, a
  // `}` closes an open `{` first, so the tag's end is the last two braces, not the first two.
  const nextToken = (Object.getPrototypeOf(proto) as Tokenizer).nextToken;
  target.nextToken = function nextTokenBraces(this: Tokenizer) {
    if (this.in_code && (this.credflowBraces ?? 0) > 0 && this.current() === '}') {
      const at = { lineno: this.lineno, colno: this.colno };
      this.forward();
      this.credflowBraces = (this.credflowBraces ?? 1) - 1;
      return { type: 'right-curly', value: '}', ...at };
    }
    const tok = nextToken.call(this);
    if (tok) {
      if (tok.type === 'left-curly') this.credflowBraces = (this.credflowBraces ?? 0) + 1;
      else if (tok.type === 'right-curly') this.credflowBraces = Math.max(0, (this.credflowBraces ?? 0) - 1);
      else if (!this.in_code) this.credflowBraces = 0;
    }
    return tok;
  };
}
