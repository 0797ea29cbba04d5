import { isPlainObject } from './arguments.js';
import { setOwnProperty } from './own-property.js';

const MAX_DEPTH = 1000;

/**
 * A parser's result as plain data a template may hold: maps as plain
 * objects (each key an own data property, `__proto__` included), lists as
 * arrays, dates as ISO text, binary as Base64, big integers as numbers
 * (text when past 2^53), any other object as its text.
 */
export function toPlainData(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Error('the data is nested too deeply');
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  if (Array.isArray(value) || value instanceof Set) return [...value].map((v) => toPlainData(v, depth + 1));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value].map(([k, v]) => [String(k), v])
      : isPlainObject(value)
        ? Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]])
        : [];
  if (!(value instanceof Map) && !isPlainObject(value)) return String(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    setOwnProperty(out, k, toPlainData(v, depth + 1));
  }
  return out;
}
