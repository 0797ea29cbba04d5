import { isCallable } from './callables.js';
import { isForbiddenKey } from './forbidden-names.js';
import { LocatedTemplateError } from './located-template-error.js';
import { TemplateForbiddenError } from './template-forbidden-error.js';

/** nunjucks' `SafeString` (marked-safe text): read like the string it holds. */
interface SafeStringLike {
  val: string;
}

const isSafeString = (v: object): v is SafeStringLike =>
  typeof (v as { val?: unknown }).val === 'string' && v.constructor?.name === 'SafeString';

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * `obj.key`, `obj['key']` and `obj[expr]` in a sandboxed template. Reads only
 * own data properties of plain objects and arrays, and `length` and indexes
 * of strings; a missing key is `undefined` (as in nunjucks). Prototype
 * members, accessors, values that are not plain data, and functions found
 * in data are refused with a {@link TemplateForbiddenError} that names the
 * expression as written.
 */
export function memberAccess(
  obj: unknown,
  key: unknown,
  expression: string,
  line: number,
  column: number,
  strict = false,
): unknown {
  const refuse = (reason: string) => new TemplateForbiddenError(expression, reason, line, column);
  const missing = (): undefined => {
    if (!strict) return undefined;
    throw new LocatedTemplateError(
      obj === undefined || obj === null
        ? `'${expression}' cannot be read: its object is ${String(obj)} (use | default(...), ?? or 'is defined')`
        : `'${expression}' is undefined (use | default(...), ?? or 'is defined' for optional values)`,
      line,
      column,
    );
  };
  if (typeof key === 'number' && Number.isInteger(key)) key = String(key);
  // An undefined or null key (`block[missing]` under `??` or `is defined`) finds nothing, as in Pebble.
  if (key === undefined || key === null) return missing();
  if (typeof key !== 'string') {
    if (obj === undefined || obj === null) return missing();
    throw refuse('a computed key must be a string or an integer');
  }
  if (isForbiddenKey(key)) throw refuse(`templates cannot read '${key}'`);
  if (obj === undefined || obj === null) return missing();
  if (typeof obj === 'string') {
    if (key === 'length') return obj.length;
    if (INDEX.test(key) && Number(key) < obj.length) return obj[Number(key)];
    if (key in String.prototype) throw refuse('templates read only the length and characters of a string');
    return missing();
  }
  if (typeof obj !== 'object') {
    if (typeof obj === 'function' || key in Object(obj)) {
      throw refuse(`templates read only plain objects, arrays and strings, not a ${typeof obj}`);
    }
    return missing();
  }
  if (isSafeString(obj)) return memberAccess(obj.val, key, expression, line, column, strict);
  if (!Array.isArray(obj) && !isPlainObject(obj)) {
    throw refuse('templates read only plain objects, arrays and strings');
  }
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  if (desc === undefined) {
    if (key in obj) throw refuse(`'${key}' is not data of this ${Array.isArray(obj) ? 'array' : 'object'}`);
    return missing();
  }
  if (!('value' in desc)) throw refuse('templates read only data properties, not accessors');
  const value: unknown = desc.value;
  if (typeof value === 'function' && !isCallable(value)) {
    throw refuse('templates cannot use functions found in data');
  }
  return value;
}

/** A variable read under strict variables: undefined is an error naming the variable. */
export function variableRead(value: unknown, name: string, line: number, column: number): unknown {
  if (value !== undefined) return value;
  throw new LocatedTemplateError(
    `'${name}' is undefined (use | default(...), ?? or 'is defined' for optional values)`,
    line,
    column,
  );
}

/** `a ?? b` takes `a` when this holds: defined and not null. */
export const isPresent = (value: unknown): boolean => value !== undefined && value !== null;
