import { bindArguments, type Callee, stdlibError, unwrapSafe } from './arguments.js';

const callee: Callee = { kind: 'filter', name: 'numberFormat' };

/** A `java.text.DecimalFormat` pattern, as `applyPattern` reads it (the subset credflow supports). */
interface Pattern {
  positivePrefix: string;
  positiveSuffix: string;
  negativePrefix: string;
  negativeSuffix: string;
  minInt: number;
  minFrac: number;
  maxFrac: number;
  grouping: number;
  multiplier: number;
  decimalAlwaysShown: boolean;
}

/** Splits `prefix number suffix`, reading quotes (`'#'`, `''`) and the percent and per-mille signs. */
function parseSubpattern(text: string): { prefix: string; number: string; suffix: string; multiplier: number } {
  let prefix = '';
  let number = '';
  let suffix = '';
  let multiplier = 1;
  let phase: 0 | 1 | 2 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw stdlibError(callee, 'the format has an unclosed quote');
      const literal = end === i + 1 ? "'" : text.slice(i + 1, end);
      i = end;
      if (phase === 1) phase = 2;
      if (phase === 0) prefix += literal;
      else suffix += literal;
      continue;
    }
    if ('0#,.'.includes(c)) {
      if (phase === 2) throw stdlibError(callee, 'the format has digits after its suffix');
      phase = 1;
      number += c;
      continue;
    }
    if (c === 'E' || c === '\u00a4') {
      throw stdlibError(
        callee,
        `the format uses '${c}' (${c === 'E' ? 'scientific notation' : 'currency'}), which credflow does not support`,
      );
    }
    if (c === '%' || c === '\u2030') {
      if (multiplier !== 1) throw stdlibError(callee, 'the format has more than one percent or per-mille sign');
      multiplier = c === '%' ? 100 : 1000;
    }
    if (phase === 1) phase = 2;
    if (phase === 0) prefix += c;
    else suffix += c;
  }
  return { prefix, number, suffix, multiplier };
}

function parsePattern(format: string): Pattern {
  const semicolon = format.indexOf(';');
  const positive = parseSubpattern(semicolon < 0 ? format : format.slice(0, semicolon));
  const negative = semicolon < 0 ? undefined : parseSubpattern(format.slice(semicolon + 1));
  const number = positive.number;
  if (number === '') throw stdlibError(callee, 'the format has no digits (0 or #)');
  const dot = number.indexOf('.');
  if (dot !== number.lastIndexOf('.')) throw stdlibError(callee, 'the format has more than one decimal point');
  const intPart = dot < 0 ? number : number.slice(0, dot);
  const fracPart = dot < 0 ? '' : number.slice(dot + 1);
  if (fracPart.includes(',')) throw stdlibError(callee, 'the format has a grouping separator after its decimal point');
  const intDigits = intPart.replaceAll(',', '');
  let minInt = [...intDigits].filter((c) => c === '0').length;
  let minFrac = [...fracPart].filter((c) => c === '0').length;
  const maxFrac = fracPart.length;
  if (minInt === 0 && minFrac === 0 && dot >= 0) {
    // DecimalFormat.applyPattern: "###.###" counts one integer digit, ".###" one fraction digit.
    if (intDigits.length > 0) minInt = 1;
    else minFrac = Math.min(1, maxFrac);
  }
  const lastComma = intPart.lastIndexOf(',');
  const grouping = lastComma < 0 ? 0 : intPart.length - lastComma - 1;
  return {
    positivePrefix: positive.prefix,
    positiveSuffix: positive.suffix,
    negativePrefix: negative ? negative.prefix : `-${positive.prefix}`,
    negativeSuffix: negative ? negative.suffix : positive.suffix,
    minInt,
    minFrac,
    maxFrac,
    grouping,
    multiplier: positive.multiplier,
    decimalAlwaysShown: dot >= 0 && fracPart.length === 0,
  };
}

/** The exact decimal digits of a finite, non-negative double: integer part and fraction part. */
function exactDecimal(n: number): [string, string] {
  if (n === 0) return ['0', ''];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  if (exponent >= 0) return [(mantissa << BigInt(exponent)).toString(), ''];
  const scale = -exponent;
  const digits = (mantissa * 5n ** BigInt(scale)).toString().padStart(scale + 1, '0');
  return [digits.slice(0, digits.length - scale), digits.slice(digits.length - scale).replace(/0+$/, '')];
}

/** The shortest decimal digits that read back as the double (Java's `Double.toString` digits, and JavaScript's). */
function shortestDecimal(n: number): [string, string] {
  if (n === 0) return ['0', ''];
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const point = 1 + Number(exp);
  if (point <= 0) return ['0', '0'.repeat(-point) + digits];
  if (point >= digits.length) return [digits + '0'.repeat(point - digits.length), ''];
  return [digits.slice(0, point), digits.slice(point)];
}

/** -1, 0, 1 as decimal `a` is below, equal to, above decimal `b` (both non-negative, no leading zeros but one). */
function compareDecimal([ai, af]: [string, string], [bi, bf]: [string, string]): number {
  const width = Math.max(af.length, bf.length);
  const a = BigInt(ai + af.padEnd(width, '0'));
  const b = BigInt(bi + bf.padEnd(width, '0'));
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Rounds a double to `max` fraction digits as DecimalFormat does (half to
 * even): on its shortest decimal digits, a tie at 5 being decided by the
 * double's exact value (1.005 is a little below, so `#.##` gives `1`).
 */
function roundHalfEven(n: number, max: number): [string, string] {
  const [int, frac] = shortestDecimal(n);
  if (frac.length <= max) return [int, frac];
  const kept = frac.slice(0, max);
  const first = frac.charCodeAt(max) - 48;
  const rest = frac.slice(max + 1);
  let up: boolean;
  if (first !== 5 || /[1-9]/.test(rest)) up = first >= 5;
  else {
    const exact = compareDecimal(exactDecimal(n), [int, frac]);
    const last = (kept || int).charCodeAt((kept || int).length - 1) - 48;
    up = exact > 0 || (exact === 0 && last % 2 === 1);
  }
  if (!up) return [int, kept];
  const all = (BigInt(int + kept) + 1n).toString().padStart(int.length + kept.length, '0');
  return [all.slice(0, all.length - kept.length), all.slice(all.length - kept.length)];
}

function format(n: number, p: Pattern): string {
  const value = n * p.multiplier;
  if (Number.isNaN(value)) return 'NaN';
  const negative = value < 0 || Object.is(value, -0);
  if (!Number.isFinite(value))
    return `${negative ? p.negativePrefix : p.positivePrefix}\u221e${negative ? p.negativeSuffix : p.positiveSuffix}`;
  let [int, frac] = roundHalfEven(Math.abs(value), p.maxFrac);
  frac = frac.replace(/0+$/, '').padEnd(p.minFrac, '0');
  int = int.replace(/^0+/, '');
  if (int.length < p.minInt) int = int.padStart(p.minInt, '0');
  if (int === '' && frac === '') int = '0';
  if (p.grouping > 0 && int.length > p.grouping) {
    const groups: string[] = [];
    for (let end = int.length; end > 0; end -= p.grouping)
      groups.unshift(int.slice(Math.max(0, end - p.grouping), end));
    int = groups.join(',');
  }
  const body = frac !== '' || p.decimalAlwaysShown ? `${int}.${frac}` : int;
  return negative ? `${p.negativePrefix}${body}${p.negativeSuffix}` : `${p.positivePrefix}${body}${p.positiveSuffix}`;
}

const DEFAULT_FORMAT = '#,##0.###';
const MAX_FORMAT = 200;

/**
 * `numberFormat(format)`: formats a number with a Java `DecimalFormat`
 * pattern in the `en-US` locale (`3.141592653 | numberFormat("#.##")` →
 * `3.14`): `0` and `#` digits, `,` grouping, `.` decimal point, `%` and `‰`
 * (times 100 and 1000), quoted text, a `;negative` subpattern; rounding half
 * to even on the number's exact value, as Java. Without a format, `#,##0.###`
 * (Java's default for the locale). Scientific (`E`) and currency (`¤`)
 * patterns are refused. Null gives null; anything but a number is an error.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/NumberFormatFilter.java
 */
export function numberFormatFilter(input: unknown, ...raw: unknown[]): string | null {
  const args = bindArguments(callee, ['format'], raw);
  const value = unwrapSafe(input);
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') throw stdlibError(callee, 'the input has to be a number');
  const given = unwrapSafe(args.get('format'));
  if (given !== undefined && given !== null && typeof given !== 'string') {
    throw stdlibError(callee, "argument 'format' must be text");
  }
  const pattern = given ?? DEFAULT_FORMAT;
  if (pattern.length > MAX_FORMAT) throw stdlibError(callee, `the format is longer than ${MAX_FORMAT} characters`);
  return format(value, parsePattern(pattern));
}
