import {
  bindArguments,
  type Callee,
  checkLength,
  describeType,
  isPlainObject,
  stdlibError,
  textOf,
  unwrapSafe,
} from './arguments.js';

/**
 * Pebble's `empty` test: null, undefined, text that is blank after trimming,
 * an empty list or an empty map.
 */
export function isEmpty(value: unknown): boolean {
  const v = unwrapSafe(value);
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

/**
 * `default(value)`: `value` when the input is empty (undefined, null, blank
 * text, an empty list or map), else the input (Pebble's semantics; nunjucks'
 * own `default` covers undefined only).
 * @see https://kestra.io/docs/expressions/filters/strings (`default`)
 */
export function defaultFilter(input: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'filter', name: 'default' };
  // nunjucks' third argument (`boolean`) is accepted and ignored: empty values always get the default.
  const args = bindArguments(callee, ['default', 'boolean'], raw);
  return isEmpty(input) ? args.get('default') : input;
}

function firstOrLast(name: 'first' | 'last') {
  const callee: Callee = { kind: 'filter', name };
  return (input: unknown, ...raw: unknown[]): unknown => {
    bindArguments(callee, [], raw);
    const v = unwrapSafe(input);
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' || Array.isArray(v)) {
      if (v.length === 0) return null;
      const item: unknown = name === 'first' ? v[0] : v[v.length - 1];
      return item;
    }
    throw stdlibError(callee, `expects a list or text, not ${describeType(v)}`);
  };
}

/**
 * `first` / `last`: the first/last item of a list, or character of text;
 * null for an empty one.
 * @see https://kestra.io/docs/expressions/filters/collections (`first` and `last`)
 */
export const firstLastFilters = { first: firstOrLast('first'), last: firstOrLast('last') };

/**
 * `length`: the number of items of a list or map, or characters of text;
 * 0 for null, undefined and other values (Pebble).
 * @see https://kestra.io/docs/expressions/filters/collections (`length`)
 */
export function lengthFilter(input: unknown, ...raw: unknown[]): number {
  bindArguments({ kind: 'filter', name: 'length' }, [], raw);
  const v = unwrapSafe(input);
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  if (v instanceof Map || v instanceof Set) return v.size;
  return 0;
}

/**
 * `keys`: the keys of a map, or the indexes of a list.
 * @see https://kestra.io/docs/expressions/filters/collections (`keys` and `values`)
 */
export function keysFilter(input: unknown, ...raw: unknown[]): (string | number)[] | null {
  const callee: Callee = { kind: 'filter', name: 'keys' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  if (Array.isArray(input)) return input.map((_, i) => i);
  if (isPlainObject(input)) return Object.keys(input);
  throw stdlibError(callee, `can only be applied to a list or a map, not ${describeType(input)}`);
}

/**
 * `values`: the values of a map.
 * @see https://kestra.io/docs/expressions/filters/collections (`keys` and `values`)
 */
export function valuesFilter(input: unknown, ...raw: unknown[]): unknown[] | null {
  const callee: Callee = { kind: 'filter', name: 'values' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  if (isPlainObject(input)) return Object.values(input);
  throw stdlibError(callee, `can only be applied to a map, not ${describeType(input)}`);
}

/** An item of a joined list as text: Java's `toString` for scalars, JSON for lists and maps (as Kestra prints them). */
function itemText(callee: Callee, item: unknown): string {
  const v = unwrapSafe(item);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v) || isPlainObject(v)) return JSON.stringify(v);
  return textOf(callee, v);
}

/**
 * `join(separator)`: the items of a list as text, `separator` between them
 * (none by default). nunjucks' third argument (an attribute of each item)
 * still works.
 * @see https://kestra.io/docs/expressions/filters/collections (`join`)
 */
export function joinFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'join' };
  const args = bindArguments(callee, ['separator', 'attribute'], raw);
  if (input === null || input === undefined) return null;
  if (!Array.isArray(input)) throw stdlibError(callee, `expects a list, not ${describeType(input)}`);
  const sep = args.get('separator');
  const glue = sep === undefined || sep === null ? '' : textOf(callee, sep);
  const attr = args.get('attribute');
  const items =
    attr === undefined || attr === null
      ? input
      : input.map((item) => {
          const key = textOf(callee, attr);
          return isPlainObject(item) && Object.hasOwn(item, key) ? item[key] : undefined;
        });
  let length = 0;
  const texts = items.map((item) => {
    const t = itemText(callee, item);
    length += t.length + glue.length;
    checkLength(callee, length);
    return t;
  });
  return texts.join(glue);
}
