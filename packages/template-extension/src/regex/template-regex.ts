import { compileLinear, MAX_REGEX_INPUT, matcherFor, RegexError } from './linear-regex.js';

/**
 * A nunjucks regex literal (`r/a+/g`) in a sandboxed template: the rewrite
 * turns each into one of these, run on RE2's linear-time engine. Not a
 * `RegExp`: nothing of JavaScript's backtracking engine is reachable.
 */
export class TemplateRegex {
  readonly source: string;
  readonly flags: string;

  constructor(source: string, flags: string) {
    compileLinear(source, flags); // refuses what RE2 cannot run
    this.source = source;
    this.flags = flags;
    Object.freeze(this);
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }

  /**
   * `text.replace(regex, replacement)` as JavaScript does it (`$1`, `$&` in
   * the replacement; every match with the `g` flag, else the first).
   */
  replace(text: string, replacement: string): string {
    if (text.length > MAX_REGEX_INPUT) {
      throw new RegexError(`a regular expression works on text up to ${MAX_REGEX_INPUT} characters`);
    }
    const m = matcherFor(compileLinear(this.source, this.flags), text);
    try {
      return this.flags.includes('g') ? m.replaceAll(replacement) : m.replaceFirst(replacement);
    } catch {
      throw new RegexError('the replacement refers to a group the regular expression does not have');
    }
  }
}

/** The filter a regex literal compiles into (`__credflow_regex(source, flags)`). */
export function regexLiteral(source: unknown, flags: unknown): TemplateRegex {
  return new TemplateRegex(String(source), String(flags ?? ''));
}
