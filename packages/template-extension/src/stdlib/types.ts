import { bindArguments, describeType, isPlainObject, unwrapSafe } from './arguments.js';
import { isEmpty } from './collections.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * `className`: the Java class Kestra would hold the value as, for the
 * JSON-like values a credflow template has: `java.lang.String`,
 * `java.lang.Boolean`, `java.lang.Integer` (a whole number in Java's `int`
 * range) or `java.lang.Long` (beyond it), `java.lang.Double` (other
 * numbers), `java.util.ArrayList`, `java.util.LinkedHashMap`; null gives
 * null. JavaScript has one number type, so where Kestra has a `Float`
 * (`"12.3" | number`), a `BigDecimal` or a `Long` literal (`1` written in a
 * template is a `Long` in Pebble), credflow prints what the same value
 * parsed from JSON would be.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/ClassNameFilter.java
 */
export function classNameFilter(input: unknown, ...raw: unknown[]): string | null {
  bindArguments({ kind: 'filter', name: 'className' }, [], raw);
  const v = unwrapSafe(input);
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'bigint') return 'java.math.BigInteger';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'java.lang.Double';
    return v >= INT_MIN && v <= INT_MAX ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (isPlainObject(v)) return 'java.util.LinkedHashMap';
  return 'java.lang.Object';
}

/**
 * `is empty`: null (or undefined), text that is blank once trimmed, an
 * empty list or an empty map.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/EmptyTest.java
 */
export function emptyTest(value: unknown): boolean {
  return isEmpty(value);
}

/**
 * `is map`: whether the value is a map.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/MapTest.java
 */
export function mapTest(value: unknown): boolean {
  return isPlainObject(unwrapSafe(value));
}

/** Jackson's `readTree` reads blank text as "no content" (a MissingNode), not as an error. */
const BLANK = /^[ \t\r\n]*$/;

/**
 * `is json`: whether text is valid JSON (`'{"test": 1}' is json`). As with
 * Kestra's Jackson `readTree`, blank text passes; anything but text is an
 * error (Kestra casts it to a String).
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/tests/JsonTest.java
 */
export function jsonTest(value: unknown): boolean {
  const v = unwrapSafe(value);
  if (typeof v !== 'string') throw new Error(`test 'json': expects text, not ${describeType(v)}`);
  if (BLANK.test(v)) return true;
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
}
