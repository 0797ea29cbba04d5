import { bindArguments, type Callee, checkLength, stdlibError, unwrapSafe } from './arguments.js';

const MAX_JSON_TEXT = 10_000_000;

/**
 * `toJson`: the value as compact JSON (`[1,2,3]`, `true`, `"foo"`); null
 * and undefined give `null`. Also registered as the deprecated `json`
 * filter, as in Kestra.
 * @see https://kestra.io/docs/expressions/filters/json (`toJson`)
 */
export function toJsonFilter(input: unknown, ...raw: unknown[]): string {
  const callee: Callee = { kind: 'filter', name: 'toJson' };
  bindArguments(callee, [], raw);
  const value = unwrapSafe(input);
  if (value === undefined || value === null) return 'null';
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  } catch {
    throw stdlibError(callee, 'the value cannot be written as JSON (it refers to itself)');
  }
  if (text === undefined) throw stdlibError(callee, 'the value cannot be written as JSON (it is a function)');
  checkLength(callee, text.length);
  return text;
}

/** Parses JSON text to plain data (objects, arrays, strings, numbers, booleans, null). */
function parseJson(callee: Callee, input: unknown): unknown {
  const value = unwrapSafe(input);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw stdlibError(callee, 'expects JSON text (a string)');
  if (value.length > MAX_JSON_TEXT) throw stdlibError(callee, `the text is longer than ${MAX_JSON_TEXT} characters`);
  try {
    // JSON.parse builds only plain objects and arrays; a "__proto__" key becomes an own data property.
    return JSON.parse(value);
  } catch {
    throw stdlibError(callee, 'the text is not valid JSON');
  }
}

/**
 * `fromJson(json)`: parses JSON text into data a template can read
 * (`fromJson('[1, 2, 3]')[0]`); null gives null. Also registered as the
 * deprecated `json()` function, as in Kestra.
 * @see https://kestra.io/docs/expressions/functions/parsing (`fromJson()`)
 */
export function fromJsonFunction(...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'function', name: 'fromJson' };
  const args = bindArguments(callee, ['json'], raw);
  if (!args.has('json')) throw stdlibError(callee, "expects an argument 'json'");
  return parseJson(callee, args.get('json'));
}

/**
 * `text | fromJson`: the filter form of {@link fromJsonFunction} (Kestra has
 * the function only; the filter reads the same in a pipe).
 */
export function fromJsonFilter(input: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'filter', name: 'fromJson' };
  bindArguments(callee, [], raw);
  return parseJson(callee, input);
}
