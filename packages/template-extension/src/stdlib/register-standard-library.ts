import type nunjucks from 'nunjucks';
import { nunjucksOf as internalsOf } from '../nunjucks/adapter.js';
import { defaultFilter, firstLastFilters, joinFilter, keysFilter, lengthFilter, valuesFilter } from './collections.js';
import { base64decodeFilter, base64encodeFilter, hashFilters, urldecodeFilter, urlencodeFilter } from './encoding.js';
import { escapeCharFilter } from './escape-char.js';
import { indentFilter, nindentFilter } from './indent.js';
import { fromIonFunction, ION_READER, toIonFilter } from './ion.js';
import { fromJsonFilter, fromJsonFunction, toJsonFilter } from './json.js';
import { DATE_FILTERS, DATE_FUNCTIONS, lazyDateFunction, patchDateLoading } from './lazy-dates.js';
import { jqFilter } from './lazy-jq.js';
import {
  chunkFilter,
  distinctFilter,
  flattenFilter,
  maxFunction,
  mergeFilter,
  minFunction,
  rsortFilter,
} from './lists.js';
import { numberFormatFilter } from './number-format.js';
import { numberFilter } from './numbers.js';
import { idFunction, randomIntFunction, uuidFunction } from './random.js';
import { sliceFilter } from './slice.js';
import {
  abbreviateFilter,
  affixFilters,
  makeReplaceFilter,
  slugifyFilter,
  splitFilter,
  substringFilters,
  trimFilter,
} from './strings.js';
import { classNameFilter, emptyTest, jsonTest, mapTest } from './types.js';
import { YAML_READER, yamlFilter, yamlFunction } from './yaml.js';

type Fn = (...args: never[]) => unknown;

// The date filters and `now()` (luxon) are registered by name and load on first use: see lazy-dates.ts.
const FILTERS: Record<string, Fn> = {
  ...Object.fromEntries(DATE_FILTERS.map((name) => [name, lazyDateFunction(name)])),
  toJson: toJsonFilter,
  json: toJsonFilter,
  fromJson: fromJsonFilter,
  abbreviate: abbreviateFilter,
  slice: sliceFilter,
  slugify: slugifyFilter,
  ...substringFilters,
  trim: trimFilter,
  ...affixFilters,
  split: splitFilter,
  default: defaultFilter,
  ...firstLastFilters,
  length: lengthFilter,
  keys: keysFilter,
  values: valuesFilter,
  join: joinFilter,
  base64encode: base64encodeFilter,
  base64decode: base64decodeFilter,
  urlencode: urlencodeFilter,
  urldecode: urldecodeFilter,
  ...hashFilters,
  number: numberFilter,
  indent: indentFilter,
  nindent: nindentFilter,
  escapeChar: escapeCharFilter,
  chunk: chunkFilter,
  flatten: flattenFilter,
  distinct: distinctFilter,
  merge: mergeFilter,
  rsort: rsortFilter,
  className: classNameFilter,
  yaml: yamlFilter,
  numberFormat: numberFormatFilter,
  numberformat: numberFormatFilter,
  toIon: toIonFilter,
};

const FUNCTIONS: Record<string, Fn> = {
  ...Object.fromEntries(DATE_FUNCTIONS.map((name) => [name, lazyDateFunction(name)])),
  fromJson: fromJsonFunction,
  json: fromJsonFunction,
  max: maxFunction,
  min: minFunction,
  uuid: uuidFunction,
  id: idFunction,
  randomInt: randomIntFunction,
  yaml: yamlFunction,
  fromIon: fromIonFunction,
};

/** Pebble's tests credflow adds to nunjucks' own (`is empty`, `is map`) and Kestra's `is json`. */
const TESTS: Record<string, (value: unknown) => boolean> = {
  empty: emptyTest,
  map: mapTest,
  json: jsonTest,
};

const REGISTERED = Symbol.for('credflow.standard-library');

/**
 * Adds the filters and functions Kestra flows use most, with Kestra's names
 * and semantics, to a nunjucks environment: `date`, `dateAdd`, `timestamp`
 * (`Milli`/`Micro`/`Nano`), `now()`, `toJson` (and `json`), `fromJson()`
 * (and `| fromJson`, `json()`), `split`, `join`, `abbreviate`, `replace`
 * (map form; nunjucks' two-argument form still works), `slugify`,
 * `substringBefore`/`After`/`BeforeLast`/`AfterLast`, `trim`, `startsWith`,
 * `endsWith`, `default` (undefined, null and empty), `first`, `last`,
 * `length`, `keys`, `values`, `base64encode`, `base64decode`, `urlencode`,
 * `urldecode`, `sha256`, `sha1`, `sha512`, `md5`, `number`, `indent` and
 * `nindent` (Kestra's `amount, prefix`), `escapeChar`, `chunk`, `flatten`,
 * `distinct`, `merge`, `rsort`, `className`, `max()`, `min()`, `uuid()`,
 * `id()`, `randomInt()`, `jq` (async, in a worker), `yaml` and `yaml()`,
 * `numberFormat`, `toIon` and `fromIon()`, and the tests `empty`, `map`,
 * `json`. Call it after
 * `registerCredentials` (it wraps the sandbox's `replace`). Every result is
 * plain data: text, numbers, booleans, lists, maps. The date filters and
 * `now()` (luxon), `yaml()` (the yaml package) and `fromIon()` (ion-js)
 * load their implementation before the first template that
 * names one of them renders.
 * @see https://kestra.io/docs/expressions
 */
export function registerStandardLibrary(env: nunjucks.Environment): void {
  const marked = env as unknown as Record<symbol, true | undefined>;
  if (marked[REGISTERED]) return;
  patchDateLoading(internalsOf(env).Template, (tmplEnv) => REGISTERED in (tmplEnv as object));
  YAML_READER.patch(internalsOf(env).Template);
  ION_READER.patch(internalsOf(env).Template);
  for (const [name, fn] of Object.entries(FILTERS)) env.addFilter(name, fn as (...args: unknown[]) => unknown);
  const replace = env.getFilter('replace') as (this: unknown, ...args: unknown[]) => unknown;
  env.addFilter('replace', makeReplaceFilter(replace) as (...args: unknown[]) => unknown);
  env.addFilter('jq', jqFilter as (...args: unknown[]) => unknown, true);
  for (const [name, fn] of Object.entries(FUNCTIONS)) env.addGlobal(name, fn);
  // @types/nunjucks lacks addTest (nunjucks has had it since 2.0).
  const tests = env as unknown as { addTest(name: string, fn: (value: unknown) => boolean): void };
  for (const [name, fn] of Object.entries(TESTS)) tests.addTest(name, fn);
  marked[REGISTERED] = true;
}
