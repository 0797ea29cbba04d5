import type { NjNode } from '../../nunjucks-internals.js';
import { isForbiddenKey } from '../forbidden-names.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { filter, forbid, isA, lit, type Rewrite, type Rule } from './context.js';
import { checkName } from './names.js';

/** Pebble's word operators: not map keys when written bare. */
const OPERATOR_WORDS = new Set(['not', 'and', 'or', 'is', 'in', 'contains', 'equals']);

/** The prototype a literal's members come from (`"a"`, `1`, `[...]`, `{...}`, `r/x/`). */
export function literalPrototype(r: Rewrite, n: unknown): object | undefined {
  const node = n as NjNode;
  if (isA(r, node, 'Group') && node.children?.length === 1) return literalPrototype(r, node.children[0]);
  if (isA(r, node, 'Array')) return Array.prototype;
  if (isA(r, node, 'Dict')) return Object.prototype;
  if (!isA(r, node, 'Literal')) return undefined;
  return node.value === null || node.value === undefined ? undefined : Object.getPrototypeOf(node.value);
}

/**
 * A key of a map literal (`{a: 1}`, `{'b': 2}`): a literal, never a
 * variable; forbidden keys are refused, and a bare operator word is a syntax
 * error as in Pebble (`{not: x}`, ToJsonFilterTest#exception).
 */
export const rewritePair: Rule = (r, node) => {
  if (!isA(r, node, 'Pair')) return undefined;
  const key = node.key as NjNode;
  if (isA(r, key, 'Literal') && isForbiddenKey(String(key.value))) {
    throw forbid(key, String(key.value), `'${String(key.value)}' cannot be a key`);
  }
  checkName(r, key); // `{a: 1}`: a literal key, not a variable
  if (isA(r, key, 'Symbol') && OPERATOR_WORDS.has(String(key.value))) {
    throw new r.nj.lib.TemplateError(
      `'${String(key.value)}' is an operator, not a map key: quote it ('${String(key.value)}')`,
      key.lineno + 1,
      key.colno + 1,
    );
  }
  node.value = r.visit(node.value, false);
  return node;
};

/** `r/x/g`: RE2's linear-time engine, never JavaScript's backtracking one. */
export const rewriteRegexLiteral: Rule = (r, node) => {
  if (!isA(r, node, 'Literal') || !(node.value instanceof RegExp)) return undefined;
  const re = node.value;
  return filter(r, node, SANDBOX_FILTERS.regex, [lit(r, node, re.source), lit(r, node, re.flags)]);
};
