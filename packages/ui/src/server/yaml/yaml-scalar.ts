import { parse, Scalar } from 'yaml';

/** A YAML scalar as JSON sees it. */
export type ScalarValue = string | number | boolean | null;

/** How a string scalar was written, so an edited value keeps its quoting. */
export type ScalarStyle = Scalar.Type | undefined;

function parsesBackAs(source: string, expected: unknown): boolean {
  try {
    return JSON.stringify(parse(source)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

/** True when `s` can be written unquoted here and reads back as the same string. */
function plainIsSafe(s: string, inFlow: boolean, isKey: boolean): boolean {
  if (s === '' || s !== s.trim() || /[\n\r\t]/.test(s)) return false;
  if (isKey) return parsesBackAs(`${s}: 1`, { [s]: 1 }) && (!inFlow || parsesBackAs(`{ ${s}: 1 }`, { [s]: 1 }));
  return inFlow
    ? parsesBackAs(`[${s}]`, [s]) && parsesBackAs(`{ k: ${s} }`, { k: s })
    : parsesBackAs(`k: ${s}`, { k: s });
}

const single = (s: string) => `'${s.replace(/'/g, "''")}'`;
// JSON's escapes (\" \\ \n \t \uXXXX ...) are all valid in a YAML double-quoted scalar.
const double = (s: string) => JSON.stringify(s);

/**
 * The source text of a scalar. A string keeps its former style when it can
 * (plain, 'single' or "double" quoted); otherwise plain when safe, else
 * quoted. Numbers, booleans and null are written plain.
 */
export function formatScalar(
  value: ScalarValue,
  options: { style?: ScalarStyle; inFlow: boolean; isKey?: boolean },
): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  const { style, inFlow } = options;
  const isKey = options.isKey ?? false;
  const multiline = /[\n\r]/.test(value);
  if (style === Scalar.QUOTE_DOUBLE) return double(value);
  if (style === Scalar.QUOTE_SINGLE && !multiline) return single(value);
  if (plainIsSafe(value, inFlow, isKey)) return value;
  return style === Scalar.PLAIN && !multiline && ![...value].some((ch) => ch.charCodeAt(0) < 0x20)
    ? single(value)
    : double(value);
}
