/**
 * Java `DateTimeFormatter` patterns (what Kestra's `date` filters take)
 * translated to Luxon format tokens.
 *
 * @see https://docs.oracle.com/javase/8/docs/api/java/time/format/DateTimeFormatter.html (Patterns for Formatting and Parsing)
 * @see https://moment.github.io/luxon/#/formatting?id=table-of-tokens
 */

/** One piece of a compiled pattern. */
export type PatternSegment =
  /** Text printed as is (quoted text, punctuation). */
  | { kind: 'literal'; text: string }
  /** A Luxon token with the same output as the Java letters (`yyyy`, `MMM`, `EEEE`…). */
  | { kind: 'luxon'; token: string; letter: string; count: number }
  /** A number Luxon has no token for, zero-padded to `width` (`k`, `K`, `DD`, `yyyyy`, `A`, `N`, `n`). */
  | { kind: 'number'; field: NumberField; width: number; letter: string; count: number }
  /** Fraction of second, `digits` digits, truncated (`S`…`SSSSSSSSS`). */
  | { kind: 'fraction'; digits: number }
  /** A zone offset in Java's style (`X`, `x`, `Z`, `O`, counted). */
  | { kind: 'offset'; letter: 'X' | 'x' | 'Z' | 'O'; count: number }
  /** The zone id (`VV`). */
  | { kind: 'zoneId' }
  /** Quarter as text (`QQQ` = `Q3`, `QQQQ` = `3rd quarter`). */
  | { kind: 'quarterText'; count: number };

export type NumberField =
  | 'year'
  | 'weekYear'
  | 'dayOfYear'
  | 'clockHour'
  | 'hourOfHalfDay'
  | 'milliOfDay'
  | 'nanoOfDay'
  | 'nanoOfSecond';

/** Why a pattern cannot be used: names the letter, never the whole pattern. */
export class PatternError extends Error {}

const MAX_PATTERN_LENGTH = 200;

/** Letters Java reserves or that this translation does not support, and why. */
const UNSUPPORTED: Record<string, string> = {
  W: 'week-of-month',
  F: 'aligned week of month',
  e: 'localized day-of-week number',
  c: 'localized day-of-week number',
  B: 'period of day',
  p: 'pad modifier',
  g: 'modified Julian day',
};

function luxon(letter: string, count: number, token: string): PatternSegment {
  return { kind: 'luxon', token, letter, count };
}

function tooMany(letter: string): PatternError {
  return new PatternError(`too many '${letter}' letters in the pattern`);
}

/** The segment for `count` repetitions of a pattern `letter`. */
function field(letter: string, count: number): PatternSegment {
  const num = (f: NumberField, width = count): PatternSegment => ({ kind: 'number', field: f, width, letter, count });
  const oneOrTwo = (one: string, two: string) => {
    if (count > 2) throw tooMany(letter);
    return luxon(letter, count, count === 1 ? one : two);
  };
  switch (letter) {
    case 'G':
      if (count > 5) throw tooMany(letter);
      return luxon(letter, count, count <= 3 ? 'G' : count === 4 ? 'GG' : 'GGGGG');
    case 'u':
    case 'y':
      // Java: 1 = as many digits as needed, 2 = two-digit year, 4+ = padded to the count.
      if (count === 1) return luxon(letter, count, 'y');
      if (count === 2) return luxon(letter, count, 'yy');
      if (count === 4) return luxon(letter, count, 'yyyy');
      if (count > 19) throw tooMany(letter);
      return num('year');
    case 'Y':
      // Week-based year of the locale's week definition.
      if (count === 2) return luxon(letter, count, 'ii');
      if (count === 4) return luxon(letter, count, 'iiii');
      if (count > 19) throw tooMany(letter);
      return num('weekYear', count === 1 ? 1 : count);
    case 'M':
    case 'L':
      if (count > 5) throw tooMany(letter);
      return luxon(letter, count, letter.repeat(count));
    case 'Q':
    case 'q':
      if (count > 4) throw tooMany(letter);
      if (count <= 2) return luxon(letter, count, 'q'.repeat(count));
      return { kind: 'quarterText', count };
    case 'w':
      // Week of the locale's week-based year (Luxon's local week number).
      return oneOrTwo('n', 'nn');
    case 'd':
      return oneOrTwo('d', 'dd');
    case 'D':
      if (count > 3) throw tooMany(letter);
      return count === 1 ? luxon(letter, count, 'o') : count === 3 ? luxon(letter, count, 'ooo') : num('dayOfYear');
    case 'E':
      if (count > 5) throw tooMany(letter);
      return luxon(letter, count, count <= 3 ? 'EEE' : count === 4 ? 'EEEE' : 'EEEEE');
    case 'a':
      if (count > 1) throw tooMany(letter);
      return luxon(letter, count, 'a');
    case 'h':
      return oneOrTwo('h', 'hh');
    case 'H':
      return oneOrTwo('H', 'HH');
    case 'k':
      if (count > 2) throw tooMany(letter);
      return num('clockHour');
    case 'K':
      if (count > 2) throw tooMany(letter);
      return num('hourOfHalfDay');
    case 'm':
      return oneOrTwo('m', 'mm');
    case 's':
      return oneOrTwo('s', 'ss');
    case 'S':
      if (count > 9) throw tooMany(letter);
      return { kind: 'fraction', digits: count };
    case 'A':
      if (count > 19) throw tooMany(letter);
      return num('milliOfDay');
    case 'n':
      if (count > 19) throw tooMany(letter);
      return num('nanoOfSecond');
    case 'N':
      if (count > 19) throw tooMany(letter);
      return num('nanoOfDay');
    case 'V':
      if (count !== 2) throw new PatternError("the zone id is written 'VV'");
      return { kind: 'zoneId' };
    case 'z':
      if (count > 4) throw tooMany(letter);
      return luxon(letter, count, count < 4 ? 'ZZZZ' : 'ZZZZZ');
    case 'O':
      if (count !== 1 && count !== 4) throw new PatternError("the localized offset is written 'O' or 'OOOO'");
      return { kind: 'offset', letter, count };
    case 'X':
    case 'x':
    case 'Z':
      if (count > 5) throw tooMany(letter);
      return { kind: 'offset', letter, count };
    default: {
      const what = UNSUPPORTED[letter];
      throw new PatternError(
        what ? `pattern letter '${letter}' (${what}) is not supported` : `unknown pattern letter '${letter}'`,
      );
    }
  }
}

const isLetter = (c: string) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

/**
 * Compiles a Java `DateTimeFormatter` pattern. Java's quoting rules: text in
 * single quotes is literal, `''` is one quote (inside or outside quotes);
 * ASCII letters outside quotes are pattern letters; `#`, `{`, `}` are
 * reserved; `[` `]` mark optional sections, which formatting always prints
 * (every field of a date-time is available).
 */
export function compileJavaPattern(pattern: string): PatternSegment[] {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const segments: PatternSegment[] = [];
  const literal = (text: string) => {
    const prev = segments.at(-1);
    if (prev?.kind === 'literal') prev.text += text;
    else segments.push({ kind: 'literal', text });
  };
  let i = 0;
  let depth = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new PatternError('the pattern has an unclosed quote');
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      if (text) literal(text);
      i = j + 1;
    } else if (isLetter(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      segments.push(field(c, j - i));
      i = j;
    } else if (c === '#' || c === '{' || c === '}') {
      throw new PatternError(`'${c}' is reserved in date patterns`);
    } else if (c === '[') {
      depth++;
      i++;
    } else if (c === ']') {
      if (depth === 0) throw new PatternError("the pattern has a ']' without '['");
      depth--;
      i++;
    } else {
      literal(c);
      i++;
    }
  }
  return segments;
}

/** The Luxon text of a literal for `fromFormat` (quoted, so letters stay literal). */
function quoteForLuxon(text: string): string {
  if (text.includes("'")) throw new PatternError('a quote character cannot be parsed with existingFormat');
  return /[A-Za-z]/.test(text) ? `'${text}'` : text;
}

/**
 * The Luxon `fromFormat` string for parsing with a Java pattern
 * (`existingFormat`). Offsets (`X`, `x`, `Z`) parse numeric offsets
 * (`+01`, `+0100`, `+01:00`); `VV` a zone id.
 */
export function luxonParseFormat(pattern: string): string {
  if (pattern.includes('[')) throw new PatternError('optional sections cannot be parsed with existingFormat');
  return compileJavaPattern(pattern)
    .map((s) => {
      switch (s.kind) {
        case 'literal':
          return quoteForLuxon(s.text);
        case 'luxon':
          if (s.letter === 'z') throw new PatternError("zone names ('z') cannot be parsed; use 'VV' or an offset");
          if (s.letter === 'w' || s.letter === 'Y') throw new PatternError(`'${s.letter}' cannot be parsed`);
          return s.token;
        case 'fraction':
          return s.digits === 3 ? 'SSS' : s.digits < 3 ? 'S' : 'u';
        case 'offset':
          if (s.letter === 'O') throw new PatternError("localized offsets ('O') cannot be parsed");
          return s.count === 2 || s.count === 4 || s.letter === 'Z' ? 'ZZZ' : 'ZZ';
        case 'zoneId':
          return 'z';
        case 'number':
          if (s.field === 'year' || s.field === 'dayOfYear') return s.field === 'year' ? 'yyyyy' : 'o';
          throw new PatternError(`'${s.letter}' cannot be parsed`);
        case 'quarterText':
          throw new PatternError("'QQQ' cannot be parsed");
      }
      return '';
    })
    .join('');
}
