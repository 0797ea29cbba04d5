import type { RE2JS as RE2JSClass } from 're2js';

/**
 * Every regular expression a template supplies runs on RE2's linear-time
 * engine (re2js, the JavaScript port of RE2): `split`, `replace(...,
 * regexp=true)`, nunjucks regex literals (`r/a+/g`). A pattern that needs
 * backtracking (backreferences, lookaround) is refused: RE2 cannot run it,
 * and no pattern can take more than linear time. The engine (about 260 kB)
 * is loaded before the first template whose source may use it renders.
 */

type Engine = typeof RE2JSClass;
export type LinearPattern = ReturnType<Engine['compile']>;

/** The longest regular expression a template may give. */
export const MAX_PATTERN_LENGTH = 500;
/** The longest text a regular expression is run on. */
export const MAX_REGEX_INPUT = 1_000_000;

let engine: Engine | undefined;
let loading: Promise<Engine> | undefined;

/** Whether the engine is loaded. */
export const regexEngineLoaded = (): boolean => engine !== undefined;

/** Loads the engine once; later calls get the same promise. */
export function loadRegexEngine(): Promise<Engine> {
  loading ??= import('re2js').then((m) => {
    engine = m.RE2JS;
    return engine;
  });
  return loading;
}

/** Whether a template's source may supply a regular expression (then the engine is loaded before it renders). */
export const MAY_USE_REGEX = /\b(?:split|replace|matches)\b|\br\//;

/** A pattern that cannot be compiled; the message says why, never quoting the text it would run on. */
export class RegexError extends Error {}

const compiled = new Map<string, LinearPattern>();

/**
 * Compiles `pattern` with RE2 (flags: `i` case-insensitive, `m` multi-line,
 * `s` dot matches newline; `g` and `y` are how a caller uses it). Throws a
 * {@link RegexError} for an invalid pattern or one RE2 cannot run.
 */
export function compileLinear(pattern: string, flags = ''): LinearPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new RegexError(`the regular expression is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  if (!engine) {
    throw new RegexError(
      'the regular expression engine is not loaded: render with render()/renderString() of @credflow/template-extension (asynchronous), which loads it first',
    );
  }
  const id = `${flags}/${pattern}`;
  let re = compiled.get(id);
  if (re) return re;
  let f = 0;
  if (flags.includes('i')) f |= engine.CASE_INSENSITIVE;
  if (flags.includes('m')) f |= engine.MULTILINE;
  if (flags.includes('s')) f |= engine.DOTALL;
  try {
    re = engine.compile(pattern, f);
  } catch (err) {
    const detail = (err as Error).message ?? '';
    const kind = /\\[1-9]|\\k|invalid escape sequence: `\\[1-9k]/.test(detail)
      ? ': backreferences cannot run in linear time'
      : /\(\?[=!<]/.test(pattern)
        ? ': lookaround cannot run in linear time'
        : '';
    throw new RegexError(`the regular expression is not valid for RE2${kind}`);
  }
  if (compiled.size >= 200) compiled.clear();
  compiled.set(id, re);
  return re;
}

/**
 * The most work one match may take: RE2's time is linear in the text, times
 * the size of the compiled pattern (`'.{1000}'` repeated is a large
 * program). A pattern too large for the text it runs on is refused.
 */
export const MAX_REGEX_WORK = 100_000_000;

/** A matcher of `re` over `text`, once the work it can take is known to be bounded. */
export function matcherFor(re: LinearPattern, text: string): ReturnType<LinearPattern['matcher']> {
  if (re.programSize() * Math.max(1, text.length) > MAX_REGEX_WORK) {
    throw new RegexError(
      `the regular expression is too large for a text of ${text.length} characters (RE2 program of ${re.programSize()} instructions)`,
    );
  }
  return re.matcher(text);
}

/** The spans `[start, end, groups]` of the successive matches of `re` in `text` (as Java's `Matcher.find`). */
export function* matches(re: LinearPattern, text: string): Generator<[number, number, (string | null)[]]> {
  const m = matcherFor(re, text);
  const groups = m.groupCount();
  while (m.find()) {
    const g: (string | null)[] = [];
    for (let i = 0; i <= groups; i++) g.push(m.group(i));
    yield [m.start(), m.end(), g];
  }
}
