import { bindArguments, type Callee, optionalString, stdlibError, unwrapSafe } from './arguments.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$/;
const INTEGER = /^[+-]?\d+[lL]?$/;
const HEX = /^([+-]?)(?:0[xX]|#)([0-9a-fA-F]+)$/;
const INTEGER_TYPES = new Set(['INT', 'LONG', 'BIGINTEGER']);
const FLOAT_TYPES = new Set(['FLOAT', 'DOUBLE', 'BIGDECIMAL']);

/**
 * `number(type)`: parses text to a number, like Apache Commons'
 * `NumberUtils`: `INT`, `LONG`, `BIGINTEGER` need an integer (decimal or
 * `0x` hex), `FLOAT`, `DOUBLE`, `BIGDECIMAL` any decimal; without a type,
 * the text decides (`"12.3"` → 12.3, `"42"` → 42). JavaScript has one
 * number type: values beyond 2^53 (or outside Java's `int` for `INT`) are
 * refused rather than rounded. A number is returned as is.
 * @see https://kestra.io/docs/expressions/filters/collections (`number`)
 */
export function numberFilter(input: unknown, ...raw: unknown[]): number | null {
  const callee: Callee = { kind: 'filter', name: 'number' };
  const args = bindArguments(callee, ['type'], raw);
  const v = unwrapSafe(input);
  if (v === null || v === undefined) return null;
  const type = optionalString(callee, args, 'type') ?? '';
  if (type !== '' && !INTEGER_TYPES.has(type) && !FLOAT_TYPES.has(type)) {
    throw stdlibError(callee, 'the type must be one of INT, LONG, FLOAT, DOUBLE, BIGDECIMAL, BIGINTEGER');
  }
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') throw stdlibError(callee, 'can only be applied to text');
  const hex = HEX.exec(v);
  let n: number;
  if (hex) {
    if (FLOAT_TYPES.has(type)) throw stdlibError(callee, `the text is not a ${type} number`);
    n = Number.parseInt(hex[2]!, 16) * (hex[1] === '-' ? -1 : 1);
  } else if (INTEGER_TYPES.has(type)) {
    if (!INTEGER.test(v)) throw stdlibError(callee, `the text is not a ${type} number`);
    n = Number(v.replace(/[lL]$/, ''));
  } else {
    if (!DECIMAL.test(v)) throw stdlibError(callee, 'the text is not a number');
    n = Number(v.replace(/[dDfF]$/, ''));
  }
  const integral = hex !== null || INTEGER_TYPES.has(type) || (type === '' && INTEGER.test(v));
  if (integral && !Number.isSafeInteger(n))
    throw stdlibError(callee, 'the number is too large for a template (beyond 2^53)');
  if (type === 'INT' && (n > 2147483647 || n < -2147483648))
    throw stdlibError(callee, 'the number is out of INT range');
  if (!Number.isFinite(n)) throw stdlibError(callee, 'the number is out of range');
  return n;
}
