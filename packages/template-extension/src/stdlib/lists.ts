import { bindArguments, type Callee, describeType, isPlainObject, stdlibError, unwrapSafe } from './arguments.js';
import { checkResultCount } from './budget.js';
import { setOwnProperty } from './own-property.js';

/**
 * `chunk(size)`: the list cut into lists of `size` items, the last one
 * shorter (`[1, 2, 3, 4, 5] | chunk(2)` → `[[1,2],[3,4],[5]]`, Guava's
 * `Lists.partition`). Null gives null; anything but a list is an error.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/ChunkFilter.java
 */
export function chunkFilter(input: unknown, ...raw: unknown[]): unknown[][] | null {
  const callee: Callee = { kind: 'filter', name: 'chunk' };
  const args = bindArguments(callee, ['size'], raw);
  if (input === null || input === undefined) return null;
  if (!args.has('size')) throw stdlibError(callee, "expects an argument 'size'");
  if (!Array.isArray(input)) throw stdlibError(callee, `can only be applied to a list, not ${describeType(input)}`);
  const size = args.get('size');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) {
    throw stdlibError(callee, "argument 'size' must be a positive integer");
  }
  const out: unknown[][] = [];
  for (let i = 0; i < input.length; i += size) out.push(input.slice(i, i + size));
  return out;
}

/**
 * `flatten`: one level of nesting removed (`[[1, 2], 3]` → `[1,2,3]`);
 * items that are not lists are kept as they are.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/FlattenFilter.java
 */
export function flattenFilter(this: unknown, input: unknown, ...raw: unknown[]): unknown[] | null {
  const callee: Callee = { kind: 'filter', name: 'flatten' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  if (!Array.isArray(input)) throw stdlibError(callee, 'can only be applied to lists');
  const out = input.flatMap((item: unknown) => (Array.isArray(item) ? item : [item]));
  checkResultCount(this, callee, out.length);
  return out;
}

/** A key equal for equal data (Java's `equals` on lists and maps: maps regardless of key order). */
function identity(value: unknown): string {
  const v = unwrapSafe(value);
  if (v === undefined) return 'u';
  if (Array.isArray(v)) return `[${v.map(identity).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${identity(v[k])}`)
      .join(',')}}`;
  }
  return `${typeof v}:${typeof v === 'string' ? v : String(v)}`;
}

/**
 * `distinct`: the list without repeated items, in the order they first
 * appear (`['1', '1', '2'] | distinct` → `["1","2"]`). Lists and maps are
 * compared by their content.
 * @see https://kestra.io/docs/expressions/filters/collections (`distinct`; not in Kestra 58c1ca2d0's Extension.java, documented since)
 */
export function distinctFilter(input: unknown, ...raw: unknown[]): unknown[] | null {
  const callee: Callee = { kind: 'filter', name: 'distinct' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  if (!Array.isArray(input)) throw stdlibError(callee, `can only be applied to a list, not ${describeType(input)}`);
  const seen = new Set<string>();
  return input.filter((item: unknown) => {
    const key = identity(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * `merge(items)`: Pebble's merge. A list merged with a list gives both in
 * order; with a map, the list followed by the map's entries (each as a
 * one-key map: Java would give `Map.Entry` objects). A map merged with a
 * map gives the keys of both, the argument's values winning; with a list,
 * each item becomes a key with itself as value. Null on either side gives
 * the other; both null is an error.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/MergeFilter.java
 */
export function mergeFilter(this: unknown, input: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'filter', name: 'merge' };
  const args = bindArguments(callee, ['items'], raw);
  const items = unwrapSafe(args.get('items'));
  const left = unwrapSafe(input);
  if (left === null || left === undefined) {
    if (items === null || items === undefined) throw stdlibError(callee, 'the two arguments to be merged are null');
    return items;
  }
  if (items === null || items === undefined) return left;
  if (isPlainObject(left)) {
    const out: Record<string, unknown> = {};
    const put = (k: string, v: unknown) => setOwnProperty(out, k, v);
    for (const k of Object.keys(left)) put(k, left[k]);
    if (isPlainObject(items)) for (const k of Object.keys(items)) put(k, items[k]);
    else if (Array.isArray(items)) {
      for (const item of items) {
        if (item !== null && typeof item === 'object') {
          throw stdlibError(
            callee,
            'a list merged into a map may hold only text, numbers and booleans (they become keys)',
          );
        }
        put(String(item), item);
      }
    } else throw stdlibError(callee, `only maps and lists can be merged with a map, not ${describeType(items)}`);
    return out;
  }
  if (Array.isArray(left)) {
    let out: unknown[];
    if (Array.isArray(items)) out = [...left, ...items];
    else if (isPlainObject(items)) out = [...left, ...Object.keys(items).map((k) => ({ [k]: items[k] }))];
    else throw stdlibError(callee, `only maps and lists can be merged with a list, not ${describeType(items)}`);
    checkResultCount(this, callee, out.length);
    return out;
  }
  throw stdlibError(callee, 'the object being filtered is not a map or a list');
}

/** Java's `compareTo` between two values of one kind (numbers, text, booleans); others cannot be ordered. */
function compare(callee: Callee, a: unknown, b: unknown): number {
  const x = unwrapSafe(a);
  const y = unwrapSafe(b);
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  throw stdlibError(callee, `cannot compare ${describeType(x)} with ${describeType(y)}`);
}

/**
 * `rsort`: the list sorted in descending order (numbers by value, text by
 * character code as Java's `compareTo`); items of different kinds, null
 * items, lists or maps are an error, as in Pebble.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/RsortFilter.java
 */
export function rsortFilter(input: unknown, ...raw: unknown[]): unknown[] | null {
  const callee: Callee = { kind: 'filter', name: 'rsort' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  if (!Array.isArray(input)) throw stdlibError(callee, `can only be applied to a list, not ${describeType(input)}`);
  if (input.length === 1) compare(callee, input[0], input[0]);
  return [...input].sort((a, b) => compare(callee, b, a));
}

function extreme(name: 'max' | 'min') {
  const callee: Callee = { kind: 'function', name };
  return (...raw: unknown[]): unknown => {
    const last = raw.at(-1);
    if (last !== null && typeof last === 'object' && (last as { __keywords?: unknown }).__keywords === true) {
      throw stdlibError(callee, 'takes its values by position only');
    }
    let best: unknown = null;
    for (const candidate of raw) {
      if (best === null || best === undefined) {
        best = candidate;
        continue;
      }
      const c = compare(callee, candidate, best);
      if (name === 'max' ? c > 0 : c < 0) best = candidate;
    }
    return best;
  };
}

/**
 * `max(a, b, ...)`: the largest of its arguments (numbers, or text by
 * character code); no argument gives null.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/MaxFunction.java
 */
export const maxFunction = extreme('max');

/**
 * `min(a, b, ...)`: the smallest of its arguments.
 * @see PebbleTemplates/pebble pebble/src/main/java/io/pebbletemplates/pebble/extension/core/MinFunction.java
 */
export const minFunction = extreme('min');
