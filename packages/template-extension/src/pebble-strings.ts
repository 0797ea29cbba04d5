import type { NunjucksInternals } from './nunjucks-internals.js';

const PATCHED = Symbol.for('credflow.pebble-strings-patched');

/** Parses in progress for credflow environments (the lexer runs inside the parse, synchronously). */
let depth = 0;

/** Runs `parse` with Pebble's string literals (see {@link patchStringLiterals}). */
export function withPebbleStrings<T>(parse: () => T): T {
  depth++;
  try {
    return parse();
  } finally {
    depth--;
  }
}

interface Tokenizer {
  current(): string;
  forward(): void;
  isFinished(): boolean;
  _parseString(delimiter: string): string;
  [PATCHED]?: true;
}

/**
 * String literals as Pebble reads them (`LexerImpl.unquoteAndUnescape`):
 * `\'` (or `\"` in double quotes) is the quote and `\\` one backslash; any
 * other backslash stays as written, so `'(\d)'` is the regular expression
 * `(\d)` and `'\n'` is a backslash and an `n`, as in Kestra. nunjucks drops
 * the backslash (`'a\d'` was `ad`) and reads `\n`, `\t`, `\r`. Only parses of
 * environments that carry the credflow extension are affected
 * ({@link withPebbleStrings}); other environments of the same nunjucks keep
 * nunjucks' rules.
 */
export function patchStringLiterals(nj: NunjucksInternals): void {
  const proto = Object.getPrototypeOf(nj.lexer.lex('', {})) as Tokenizer;
  if (proto[PATCHED]) return;
  const original = proto._parseString;
  proto._parseString = function parseString(this: Tokenizer, delimiter: string): string {
    if (depth === 0) return original.call(this, delimiter);
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
  proto[PATCHED] = true;
}
