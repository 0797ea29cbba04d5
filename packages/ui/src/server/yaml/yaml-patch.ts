import { isMap, isScalar, isSeq } from 'yaml';
import { deleteKey, insertKey, isPlainObject, replaceValue, setScalar } from './yaml-edit.js';
import { locate, parseForEdit, type YamlPath } from './yaml-locate.js';
import type { ScalarValue } from './yaml-scalar.js';

/** Deep equality of JSON values (object key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * Makes the value at `path` equal `value`, editing only what differs:
 * equal subtrees are not touched, mappings are patched key by key (new keys
 * at the end), same-length sequences item by item, scalars in place. A
 * missing `path` is created (a new credential: written as a block).
 */
export function patchValue(text: string, path: YamlPath, value: unknown): string {
  const loc = locate(parseForEdit(text), path);
  if (!loc) return insertKey(text, path.slice(0, -1), String(path[path.length - 1]), value, 1);
  const { node } = loc;
  const old: unknown = node ? node.toJSON() : null;
  if (sameValue(old, value)) return text;
  if (isPlainObject(value) && isMap(node) && isPlainObject(old)) {
    let out = text;
    for (const k of Object.keys(value)) if (Object.hasOwn(old, k)) out = patchValue(out, [...path, k], value[k]);
    for (const k of Object.keys(value)) if (!Object.hasOwn(old, k)) out = insertKey(out, path, k, value[k], 0);
    for (const k of Object.keys(old)) if (!Object.hasOwn(value, k)) out = deleteKey(out, path, k);
    return out;
  }
  if (Array.isArray(value) && isSeq(node) && Array.isArray(old) && old.length === value.length) {
    let out = text;
    for (let i = 0; i < value.length; i++) out = patchValue(out, [...path, i], value[i]);
    return out;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object'))
    return setScalar(text, path, value as ScalarValue);
  return replaceValue(text, path, value);
}
