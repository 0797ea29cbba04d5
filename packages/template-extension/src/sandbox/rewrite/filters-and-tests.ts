import type { NjNode } from '../../nunjucks-internals.js';
import { isA, type Rule } from './context.js';
import { checkName, checkNameArguments } from './names.js';

/** Tests under which an undefined value is not an error. */
const LENIENT_TESTS = new Set(['defined', 'undefined']);
/** Filters whose input may be undefined. */
const LENIENT_FILTERS = new Set(['default', 'd']);

/** `x is test(args)`: the test's name is checked; `x` is read leniently under `is defined`. */
export const rewriteTest: Rule = (r, node, lenient) => {
  if (!isA(r, node, 'Is')) return undefined;
  const right = node.right as NjNode;
  const test = isA(r, right, 'FunCall') ? (right.name as NjNode) : right;
  node.left = r.visit(node.left, lenient || LENIENT_TESTS.has(String(test.value)));
  // The test's name must stay a plain symbol: nunjucks compiles it to env.getTest(name).
  checkName(r, test);
  if (isA(r, right, 'FunCall')) right.args = r.visit(right.args, false);
  return node;
};

/** `x | filter(args)`: the filter's name and its attribute-name arguments are checked; `x` is lenient under `default`. */
export const rewriteFilter: Rule = (r, node, lenient) => {
  if (!isA(r, node, 'Filter')) return undefined;
  checkName(r, node.name);
  checkNameArguments(r, node);
  const args = node.args as NjNode;
  const first = LENIENT_FILTERS.has(String((node.name as NjNode).value));
  args.children = (args.children ?? []).map((c, i) => r.visit(c, i === 0 ? lenient || first : false) as NjNode);
  return node;
};
