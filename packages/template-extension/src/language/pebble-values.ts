/**
 * How Kestra's Pebble treats values where nunjucks differs: printing,
 * `contains`, iterating a map, and the loop variables. Each is a plain
 * function the sandbox registers as an internal filter.
 */

const isMap = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A printed value as Kestra's `JsonWriter` writes it: a list or a map as
 * compact JSON (`[1,"a"]`, `{"a":1}`), anything else as nunjucks prints it.
 * `check` bounds the text (the render's maxOutputBytes).
 */
export function printValue(value: unknown, check: (length: number) => void): unknown {
  if (!Array.isArray(value) && !isMap(value)) return value;
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number(v);
    if (v !== null && typeof v === 'object' && typeof (v as { val?: unknown }).val === 'string' && !isMap(v)) {
      return (v as { val: string }).val; // nunjucks' SafeString
    }
    return v;
  });
  check(text.length);
  return text;
}

/**
 * Pebble's `a contains b`: a list holds `b` (or, when `b` is a list, every
 * element of it); a map has the key `b`; a string holds the text `b`.
 * Elements compare by value for text, numbers and booleans, as Java's
 * `equals` does for them.
 */
export function containsValue(container: unknown, item: unknown): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === 'string') return item !== null && item !== undefined && container.includes(String(item));
  if (Array.isArray(container)) {
    const has = (x: unknown) =>
      container.some((c) => c === x || (isNumber(c) && isNumber(x) && Number(c) === Number(x)));
    return Array.isArray(item) ? item.every(has) : has(item);
  }
  if (isMap(container)) {
    return Array.isArray(item)
      ? item.every((k) => Object.hasOwn(container, String(k)))
      : Object.hasOwn(container, String(item));
  }
  throw new Error(`'contains' works on a list, a map or a text, not a ${typeof container}`);
}
const isNumber = (v: unknown): v is number => typeof v === 'number';

/** `for entry in map`: Pebble iterates a map's entries, each with `key` and `value`. */
export function iterableOf(value: unknown): unknown {
  if (!isMap(value)) return value;
  return Object.keys(value).map((key) => ({ key, value: value[key] }));
}

/**
 * Pebble's loop variables, set on nunjucks' `loop` at the start of each
 * iteration: `loop.index` counts from 0, `loop.revindex` is the number of
 * iterations left after this one; `first`, `last` and `length` are the same.
 */
export function pebbleLoop(loop: unknown): void {
  if (loop === null || typeof loop !== 'object') return;
  const l = loop as Record<string, unknown>;
  if (typeof l.index0 === 'number') l.index = l.index0;
  if (typeof l.revindex0 === 'number') l.revindex = l.revindex0;
}
