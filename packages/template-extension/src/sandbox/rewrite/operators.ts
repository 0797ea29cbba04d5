import type { NjNode } from '../../nunjucks-internals.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { clone, filter, isA, lit, type Rule } from './context.js';

/** nunjucks' arithmetic nodes other than `Add` (checked as concatenation), by the operator the sandbox computes. */
const ARITHMETIC_NODES: Readonly<Record<string, string>> = {
  Sub: '-',
  Mul: '*',
  Div: '/',
  FloorDiv: '//',
  Mod: '%',
  Pow: '**',
  Neg: 'neg',
  Pos: 'pos',
};

/**
 * `a ?? b` (Pebble's null-coalescing): `b` when `a` is undefined or null;
 * `a ??? b`: `b` only when `a` is undefined. Becomes
 * `(a if a is present else b)` with `a` read leniently, so `b` is
 * evaluated only when needed (it may be a `credential()` call).
 */
export const rewriteCoalesce: Rule = (r, node) => {
  const test = isA(r, node, 'Coalesce')
    ? SANDBOX_FILTERS.present
    : isA(r, node, 'UndefinedCoalesce')
      ? SANDBOX_FILTERS.defined
      : undefined;
  if (test === undefined) return undefined;
  const left = node.left as NjNode;
  const cond = filter(r, node, test, [r.visit(clone(r, left), true) as NjNode]);
  return new r.nodes.InlineIf!(node.lineno, node.colno, cond, r.visit(left, true), r.visit(node.right, false));
};

/** Pebble's `a equals b` is `a == b`; `a contains b` is the sandbox's `containsValue`. */
export const rewriteWordOperator: Rule = (r, node) => {
  if (isA(r, node, 'Equals')) {
    return new r.nodes.Compare!(node.lineno, node.colno, r.visit(node.left, false), [
      new r.nodes.CompareOperand!(node.lineno, node.colno, r.visit(node.right, false), '=='),
    ]);
  }
  if (isA(r, node, 'Contains')) {
    return filter(r, node, SANDBOX_FILTERS.contains, [
      r.visit(node.left, false) as NjNode,
      r.visit(node.right, false) as NjNode,
    ]);
  }
  return undefined;
};

/** `a ~ b`, `a + b`: a string may not grow past the render's maxOutputBytes. */
export const rewriteConcat: Rule = (r, node, lenient) => {
  if (!isA(r, node, 'Concat') && !isA(r, node, 'Add')) return undefined;
  return filter(r, node, isA(r, node, 'Concat') ? SANDBOX_FILTERS.concat : SANDBOX_FILTERS.add, [
    r.visit(node.left, lenient) as NjNode,
    r.visit(node.right, lenient) as NjNode,
    lit(r, node, node.lineno + 1),
    lit(r, node, node.colno + 1),
  ]);
};

/** Arithmetic on a sensitive number is derived from it (`pin + 1`, `pin * 2`). */
export const rewriteArithmetic: Rule = (r, node, lenient) => {
  const binary = ARITHMETIC_NODES[node.typename];
  if (binary === undefined || !Object.hasOwn(ARITHMETIC_NODES, node.typename)) return undefined;
  const operands = node.fields.includes('target')
    ? [r.visit(node.target, lenient) as NjNode]
    : [r.visit(node.left, lenient) as NjNode, r.visit(node.right, lenient) as NjNode];
  return filter(r, node, SANDBOX_FILTERS.arithmetic, [lit(r, node, binary), ...operands]);
};
