import type { NjNode } from '../../nunjucks-internals.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { filter, isA, lit, type Rewrite, type Rule } from './context.js';
import { checkName } from './names.js';

/**
 * `for`: Pebble's `for entry in map` iterates entries (`entry.key`,
 * `entry.value`; `for k, v in map` stays nunjucks'). Each iteration counts
 * against the render's maxIterations (and checks its clock), and gets
 * Pebble's loop variables (`loop.index` from 0).
 */
export const rewriteFor: Rule = (r, node) => {
  if (!isA(r, node, 'For')) return undefined;
  checkName(r, node.name);
  node.arr = r.visit(node.arr, false);
  if (!isA(r, node.name, 'Array')) node.arr = filter(r, node, SANDBOX_FILTERS.iterable, [node.arr as NjNode]);
  node.body = r.visit(node.body, false);
  node.else_ = r.visit(node.else_, false);
  const body = node.body as NjNode;
  body.children = [
    new r.nodes.Output!(node.lineno, node.colno, [
      filter(r, node, SANDBOX_FILTERS.tick, [
        lit(r, node, node.lineno + 1),
        lit(r, node, node.colno + 1),
        new r.nodes.Symbol!(node.lineno, node.colno, 'loop'),
        lit(r, node, literalLength(r, body)),
      ]),
    ]),
    ...(body.children ?? []),
  ];
  return node;
};

/** The literal text a loop body prints each time (nested loops and macros count their own). */
function literalLength(r: Rewrite, n: unknown): number {
  if (Array.isArray(n)) return n.reduce((sum: number, c) => sum + literalLength(r, c), 0);
  if (!isA(r, n, 'Node')) return 0;
  const node = n as NjNode;
  if (isA(r, node, 'TemplateData')) return typeof node.value === 'string' ? node.value.length : 0;
  if (isA(r, node, 'For') || isA(r, node, 'Macro')) return 0;
  if (isA(r, node, 'NodeList')) return literalLength(r, node.children ?? []);
  return node.fields.reduce((sum, f) => sum + literalLength(r, node[f]), 0);
}
