import { bindArguments, type Callee, isPlainObject, stdlibError, unwrapSafe } from './arguments.js';
import { checkResultLength } from './budget.js';
import { lazyModule } from './lazy-module.js';
import { isNotInstalled, notInstalledMessage, OPTIONAL_LIBRARIES } from './optional-libraries.js';
import { javaNumber } from './yaml-writer.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const KEYWORDS = new Set(['null', 'true', 'false', 'nan']);

function escapeIon(s: string, quote: string): string {
  let out = '';
  for (const c of s) {
    const code = c.codePointAt(0) as number;
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** A field name: bare when an identifier (not `null`, `true`, `false`, `nan`, nor `$` and digits), else 'quoted'. */
const symbol = (s: string): string =>
  IDENTIFIER.test(s) && !KEYWORDS.has(s) && !/^\$\d+$/.test(s) ? s : `'${escapeIon(s, "'")}'`;

function writeIon(value: unknown, depth: number): string {
  if (depth > 1000) throw stdlibError({ kind: 'filter', name: 'toIon' }, 'the value is nested too deeply');
  const v = unwrapSafe(value);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return String(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? '+inf' : '-inf';
    const text = javaNumber(v);
    return text.includes('E') ? text.replace('E', 'e') : `${text}e0`;
  }
  if (typeof v === 'string') return `"${escapeIon(v, '"')}"`;
  if (Array.isArray(v)) return `[${v.map((item) => writeIon(item, depth + 1)).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .map((k) => `${symbol(k)}:${writeIon(v[k], depth + 1)}`)
      .join(',')}}`;
  }
  throw stdlibError({ kind: 'filter', name: 'toIon' }, 'the value cannot be written as Ion');
}

/**
 * `toIon`: the value as compact Amazon Ion text, as Kestra's Jackson Ion
 * writer gives it (`{{ {'a': [1, 1.5]} | toIon }}` → `{a:[1,1.5e0]}`):
 * whole numbers as Ion ints, other numbers as Ion floats in Java's notation
 * (`1.123e0`), text as strings, map keys as symbols; null gives `null`.
 * A number Kestra holds as a Java `float` prints its widened digits there
 * (`1.1230000257492065e0`); JavaScript has doubles only (`1.123e0`).
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/ToIonFilter.java
 */
export function toIonFilter(this: unknown, input: unknown, ...raw: unknown[]): string {
  const callee: Callee = { kind: 'filter', name: 'toIon' };
  bindArguments(callee, [], raw);
  const text = writeIon(input, 0);
  checkResultLength(this, callee, text.length);
  return text;
}

type Reader = typeof import('./ion-reader.js');

/** ion-js loads before the first template that names `fromIon`. */
export const ION_READER = lazyModule<Reader>('the Ion parser (ion-js)', /\bfromIon\b/, () =>
  import('./ion-reader.js').catch((err: unknown) => {
    // ion-js is an optional peer dependency: a host app that did not install it is told how.
    if (isNotInstalled(err, OPTIONAL_LIBRARIES.ion.name)) throw new Error(notInstalledMessage(OPTIONAL_LIBRARIES.ion));
    throw err;
  }),
);

const parse = ION_READER.fn('fromIon()', (m) => (text: unknown) => m.parseIon(text as string));

/**
 * `fromIon(ion)`: parses Amazon Ion text (its first value) into data
 * (`fromIon('{title:"Main_Page",views:109787}').title`), with ion-js:
 * structs as maps, lists and s-expressions as lists, symbols as text,
 * timestamps as ISO text, blobs and clobs as Base64, decimals as numbers;
 * null gives null.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/functions/FromIonFunction.java
 */
export function fromIonFunction(this: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'function', name: 'fromIon' };
  const args = bindArguments(callee, ['ion'], raw);
  if (!args.has('ion')) throw stdlibError(callee, "expects an argument 'ion'");
  const text = unwrapSafe(args.get('ion'));
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw stdlibError(callee, "expects an argument 'ion' with type string");
  return parse.call(this, text);
}
