import { createHash } from 'node:crypto';
import {
  bindArguments,
  type Callee,
  checkLength,
  isPlainObject,
  stdlibError,
  textOf,
  unwrapSafe,
} from './arguments.js';

/**
 * `base64encode`: the text's UTF-8 bytes in Base64 (`"test"` → `dGVzdA==`).
 * @see https://kestra.io/docs/expressions/filters/strings (Encoding and hashing)
 */
export function base64encodeFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'base64encode' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  const out = Buffer.from(textOf(callee, input), 'utf8').toString('base64');
  checkLength(callee, out.length);
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `base64decode`: Base64 to text (UTF-8). Input that is not Base64 is an
 * error, as with Java's decoder (padding may be left out).
 * @see https://kestra.io/docs/expressions/filters/strings (Encoding and hashing)
 */
export function base64decodeFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'base64decode' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  const text = textOf(callee, input);
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw stdlibError(callee, 'the input is not valid Base64');
  }
  return Buffer.from(text, 'base64').toString('utf8');
}

/** Java's `URLEncoder.encode(text, UTF-8)`: `application/x-www-form-urlencoded`, space as `+`. */
function formEncode(callee: Callee, text: string): string {
  try {
    return encodeURIComponent(text)
      .replace(/%20/g, '+')
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    throw stdlibError(callee, 'the text holds an unpaired surrogate character');
  }
}

/**
 * `urlencode`: form encoding, UTF-8, space as `+` (Java's `URLEncoder`:
 * `"The string ü@foo-bar"` → `The+string+%C3%BC%40foo-bar`). A map gives
 * `key=value&...` (nunjucks).
 * @see https://kestra.io/docs/expressions/filters/strings (Encoding and hashing)
 */
export function urlencodeFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'urlencode' };
  bindArguments(callee, [], raw);
  const v = unwrapSafe(input);
  if (v === null || v === undefined) return null;
  const out = isPlainObject(v)
    ? Object.entries(v)
        .map(
          ([k, item]) =>
            `${formEncode(callee, k)}=${formEncode(callee, item === null ? 'null' : textOf(callee, item))}`,
        )
        .join('&')
    : formEncode(callee, textOf(callee, v));
  checkLength(callee, out.length);
  return out;
}

/**
 * `urldecode`: the reverse of {@link urlencodeFilter} (`+` is a space).
 * @see https://kestra.io/docs/expressions/filters/strings (Encoding and hashing)
 */
export function urldecodeFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'urldecode' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  try {
    return decodeURIComponent(textOf(callee, input).replace(/\+/g, ' '));
  } catch {
    throw stdlibError(callee, 'the text is not valid URL encoding');
  }
}

function hashFilter(name: string, algorithm: string) {
  const callee: Callee = { kind: 'filter', name };
  return (input: unknown, ...raw: unknown[]): string | null => {
    bindArguments(callee, [], raw);
    const v = unwrapSafe(input);
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw stdlibError(callee, 'needs text to hash');
    return createHash(algorithm).update(v, 'utf8').digest('hex');
  };
}

/**
 * `sha256`, `sha1`, `sha512`, `md5`: the lowercase hex digest of the text's
 * UTF-8 bytes (`"test" | sha256` →
 * `9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`).
 * @see https://kestra.io/docs/expressions/filters/strings (Encoding and hashing)
 */
export const hashFilters = {
  sha256: hashFilter('sha256', 'sha256'),
  sha1: hashFilter('sha1', 'sha1'),
  sha512: hashFilter('sha512', 'sha512'),
  md5: hashFilter('md5', 'md5'),
};
