import nunjucks from 'nunjucks';

/** What a filter or function of the standard library is, for error messages. */
export interface Callee {
  kind: 'filter' | 'function';
  name: string;
}

/**
 * An error of a standard library filter or function: names it and what is
 * wrong, never the value it was given (it may be a secret).
 */
export function stdlibError(callee: Callee, message: string): Error {
  return new Error(`${callee.kind} '${callee.name}': ${message}`);
}

interface Keywords {
  __keywords: true;
  [k: string]: unknown;
}

const isKeywords = (v: unknown): v is Keywords =>
  typeof v === 'object' && v !== null && (v as { __keywords?: unknown }).__keywords === true;

/**
 * Pebble's argument binding: positional arguments take the declared names in
 * order, keyword arguments (`timeZone="UTC"`) their own name. An unknown
 * keyword or one positional argument too many is an error, as in Pebble.
 */
export function bindArguments(callee: Callee, names: readonly string[], raw: readonly unknown[]): Map<string, unknown> {
  const positional = [...raw];
  const last = positional.at(-1);
  const bound = new Map<string, unknown>();
  if (isKeywords(last)) {
    positional.pop();
    for (const key of Object.keys(last)) {
      if (key === '__keywords') continue;
      if (!names.includes(key)) {
        throw stdlibError(
          callee,
          `unknown argument '${key}' (it takes ${names.map((n) => `'${n}'`).join(', ') || 'none'})`,
        );
      }
      bound.set(key, last[key]);
    }
  }
  if (positional.length > names.length) {
    throw stdlibError(callee, `takes at most ${names.length} argument${names.length === 1 ? '' : 's'}`);
  }
  positional.forEach((value, i) => {
    const name = names[i]!;
    if (bound.has(name)) throw stdlibError(callee, `argument '${name}' is given twice`);
    bound.set(name, value);
  });
  return bound;
}

/** nunjucks' marked-safe text, read as the string it holds. */
export function unwrapSafe(value: unknown): unknown {
  return value instanceof nunjucks.runtime.SafeString ? String(value) : value;
}

/** A plain object (a map, in Pebble's terms): no class instance, no array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An optional string argument; `undefined` when absent or null. */
export function optionalString(callee: Callee, args: Map<string, unknown>, name: string): string | undefined {
  const value = unwrapSafe(args.get(name));
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw stdlibError(callee, `argument '${name}' must be text`);
  return value;
}

/** A required string argument. */
export function requiredString(callee: Callee, args: Map<string, unknown>, name: string): string {
  const value = optionalString(callee, args, name);
  if (value === undefined) throw stdlibError(callee, `argument '${name}' is required`);
  return value;
}

/** An integer argument (Pebble's Long), `undefined` when absent. */
export function optionalInteger(callee: Callee, args: Map<string, unknown>, name: string): number | undefined {
  const value = args.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw stdlibError(callee, `argument '${name}' must be an integer`);
  }
  return value;
}

/** The text of a value given to a text filter: strings, numbers and booleans (Java's toString). */
export function textOf(callee: Callee, value: unknown): string {
  const v = unwrapSafe(value);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  throw stdlibError(callee, `expects text, not ${describeType(v)}`);
}

/** The kind of a value, for messages (never the value itself). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'an undefined value';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a map';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The most characters a standard library filter builds into one string. */
export const MAX_TEXT_LENGTH = 10_000_000;

/** Refuses a result longer than {@link MAX_TEXT_LENGTH}. */
export function checkLength(callee: Callee, length: number): void {
  if (length > MAX_TEXT_LENGTH) {
    throw stdlibError(callee, `the result would exceed ${MAX_TEXT_LENGTH} characters`);
  }
}
