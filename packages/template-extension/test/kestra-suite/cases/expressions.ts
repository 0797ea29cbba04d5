/**
 * Kestra compatibility suite, group `expressions` (the `??` and `???` operators).
 *
 * Ported from kestra-io/kestra at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a),
 * core/src/test/java/io/kestra/core/runners/pebble/expression/:
 * NullCoalescingExpressionTest, UndefinedCoalescingExpressionTest.
 */
import { type KestraCase, src } from '../case.js';
import { BLOCK_VARS } from './fixtures.js';

const g = 'expressions';
const NULL_COALESCING = 'expression/NullCoalescingExpressionTest';
const UNDEFINED_COALESCING = 'expression/UndefinedCoalescingExpressionTest';

export const expressions: KestraCase[] = [
  // NullCoalescingExpressionTest#firstDefined
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefined'),
    template: '{{ inner.bla ?? block.test.child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefined'),
    template: '{{ block.test.child ?? inner.bla }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefined'),
    template: '{{ missing ?? missing2 }}',
    vars: BLOCK_VARS,
    expectedError: true,
  },
  // NullCoalescingExpressionTest#firstDefinedEval
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefinedEval'),
    template: '{{ block.test.child ?? null }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefinedEval'),
    template: '{{ block[inner].child ?? null }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefinedEval'),
    template: '{{ block[missing].child ?? block[inner].child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefinedEval'),
    template: '{{ block[missing].child ?? block[missing2].child ?? block[inner].child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefinedEval'),
    template: '{{ missing ?? block.test.child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'firstDefinedEval'),
    template: '{{ missing ?? missing2 }}',
    vars: BLOCK_VARS,
    expectedError: true,
  },
  // NullCoalescingExpressionTest#emptyObject
  {
    group: g,
    source: src(NULL_COALESCING, 'emptyObject'),
    template: "{{ block ?? 'UNDEFINED' }}",
    vars: { block: {} },
    expected: '{}',
  },
  // NullCoalescingExpressionTest#nullOrUndefined
  {
    group: g,
    source: src(NULL_COALESCING, 'nullOrUndefined'),
    template: "{{ null ?? 'IS NULL' }}",
    vars: { null: null },
    expected: 'IS NULL',
  },
  {
    group: g,
    source: src(NULL_COALESCING, 'nullOrUndefined'),
    template: "{{ undefined ?? 'IS UNDEFINED' }}",
    vars: { null: null },
    expected: 'IS UNDEFINED',
  },
  // UndefinedCoalescingExpressionTest#nullOrUndefined
  {
    group: g,
    source: src(UNDEFINED_COALESCING, 'nullOrUndefined'),
    template: "{{ null ??? 'IS NULL' }}",
    vars: { null: null },
    expected: '',
  },
  {
    group: g,
    source: src(UNDEFINED_COALESCING, 'nullOrUndefined'),
    template: "{{ undefined ??? 'IS UNDEFINED' }}",
    vars: { null: null },
    expected: 'IS UNDEFINED',
  },
];
