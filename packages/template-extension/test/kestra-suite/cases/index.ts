/**
 * All cases of the Kestra compatibility suite, with their ids.
 *
 * Kestra's Pebble tests: kestra-io/kestra at commit 58c1ca2d0
 * (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a), core/src/test/java/io/kestra/core/runners/pebble/**.
 * Documentation: kestra-io/docs (docs-source.ts).
 */
import { type IdentifiedCase, identify } from '../case.js';
import { docs } from './docs.js';
import { expressions } from './expressions.js';
import { filtersData } from './filters-data.js';
import { filtersDates } from './filters-dates.js';
import { filtersText } from './filters-text.js';
import { functions } from './functions.js';
import { renderer } from './renderer.js';
import { tests } from './tests.js';

export { excluded } from './excluded.js';

/** Groups in report order. */
export const GROUPS = ['filters', 'functions', 'tests', 'expressions', 'renderer', 'renderer-recursive', 'docs'];

export const allCases: IdentifiedCase[] = identify([
  ...filtersText,
  ...filtersData,
  ...filtersDates,
  ...functions,
  ...tests,
  ...expressions,
  ...renderer,
  ...docs,
]);
