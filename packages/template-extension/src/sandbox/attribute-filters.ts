import { isForbiddenKey, isForbiddenName } from './forbidden-names.js';

/**
 * nunjucks' filters that read an attribute by name (`groupby('a.b')`,
 * `selectattr`, `rejectattr`, `sum(attribute)`, `join(sep, attribute)`,
 * `sort(attribute=...)`), rewritten so that a name reads only own data of
 * plain objects and arrays, never a prototype member, and a group key can
 * never be `__proto__` of the result: results are null-prototype maps.
 */

/** Argument positions (0 is the filter's input) and keywords that name an attribute or a test. */
export const NAME_ARGUMENTS: Readonly<Record<string, { positions: number[]; keywords: string[] }>> = {
  select: { positions: [1], keywords: [] },
  reject: { positions: [1], keywords: [] },
  selectattr: { positions: [1], keywords: [] },
  rejectattr: { positions: [1], keywords: [] },
  groupby: { positions: [1], keywords: [] },
  sum: { positions: [1], keywords: ['attribute'] },
  join: { positions: [2], keywords: ['attribute'] },
  sort: { positions: [3], keywords: ['attribute'] },
};

/** The reserved part of an attribute path (`constructor`, `__proto__`, `hasOwnProperty`…), if any. */
export function reservedPart(name: string): string | undefined {
  return name.split('.').find((part) => isForbiddenKey(part) || isForbiddenName(part));
}

function checkName(filter: string, name: unknown): string {
  if (typeof name === 'number' && Number.isInteger(name)) return String(name);
  if (typeof name !== 'string') throw new Error(`${filter}: the attribute must be a name (text)`);
  const bad = reservedPart(name);
  if (bad !== undefined) throw new Error(`${filter}: '${bad}' is a reserved name, not an attribute`);
  return name;
}

const isData = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return Array.isArray(v) || proto === Object.prototype || proto === null;
};

/** Reads `a.b.c` from own data properties only; anything else is undefined. */
export function attributeGetter(filter: string, name: unknown): (item: unknown) => unknown {
  const parts = checkName(filter, name).split('.');
  return (item) => {
    let v: unknown = item;
    for (const part of parts) {
      if (typeof v === 'string' && part === 'length') {
        v = v.length;
        continue;
      }
      if (!isData(v)) return undefined;
      const desc = Object.getOwnPropertyDescriptor(v, part);
      if (!desc || !('value' in desc) || typeof desc.value === 'function') return undefined;
      v = desc.value;
    }
    return v;
  };
}

const toList = (filter: string, v: unknown): unknown[] => {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v === null || v === undefined) return [];
  throw new Error(`${filter}: expects a list`);
};

/** `groupby(attribute)`: a map from each value of the attribute to the items that have it. */
export function groupby(arr: unknown, attr: unknown): Record<string, unknown[]> {
  const get = attributeGetter('groupby', attr);
  const out = Object.create(null) as Record<string, unknown[]>;
  for (const item of toList('groupby', arr)) {
    const key = String(get(item));
    const group = out[key] ?? [];
    group.push(item);
    out[key] = group;
  }
  return out;
}

/** `selectattr(attribute)`: the items whose attribute is truthy. */
export const selectattr = (arr: unknown, attr: unknown): unknown[] => {
  const get = attributeGetter('selectattr', attr);
  return toList('selectattr', arr).filter((item) => !!get(item));
};

/** `rejectattr(attribute)`: the items whose attribute is falsy. */
export const rejectattr = (arr: unknown, attr: unknown): unknown[] => {
  const get = attributeGetter('rejectattr', attr);
  return toList('rejectattr', arr).filter((item) => !get(item));
};

type Keywords = { __keywords?: true; [k: string]: unknown };
const isKeywords = (v: unknown): v is Keywords =>
  typeof v === 'object' && v !== null && (v as Keywords).__keywords === true;

/** Wraps nunjucks' `sum`, `join` and `sort`: their attribute name is checked, then read as {@link attributeGetter} does. */
export function checkedAttributeFilter(
  name: 'sum' | 'join' | 'sort',
  original: (this: unknown, ...args: unknown[]) => unknown,
): (this: unknown, ...args: unknown[]) => unknown {
  const position = NAME_ARGUMENTS[name]!.positions[0]! - 1;
  return function checked(this: unknown, input: unknown, ...rest: unknown[]): unknown {
    const kw = isKeywords(rest.at(-1)) ? (rest.at(-1) as Keywords) : undefined;
    const attr = kw && 'attribute' in kw ? kw.attribute : rest[position];
    if (attr === undefined || attr === null || attr === false || attr === '')
      return original.call(this, input, ...rest);
    const get = attributeGetter(name, attr);
    if (name === 'sort') return original.call(this, input, ...rest);
    // sum(attr, start) / join(sep, attr): read the attribute here, then let nunjucks add or join.
    const values = toList(name, input).map(get);
    if (name === 'sum') {
      const start = kw && 'start' in kw ? kw.start : rest[1];
      return original.call(this, values, undefined, start ?? 0);
    }
    const sep = kw && 'd' in kw ? kw.d : rest[0];
    return original.call(this, values, sep);
  };
}
