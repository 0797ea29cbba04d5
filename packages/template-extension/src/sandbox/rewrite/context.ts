import type { NjNode, NjNodeClass, NunjucksInternals } from '../../nunjucks-internals.js';
import { TemplateForbiddenError } from '../template-forbidden-error.js';

/** What every part of the sandbox rewrite shares: the nunjucks copy's nodes, the options, and the walk itself. */
export interface Rewrite {
  nj: NunjucksInternals;
  nodes: Record<string, NjNodeClass>;
  /** Names of the environment's globals that are functions (their members are never data). */
  functionGlobals: ReadonlySet<string>;
  /** Pebble's strict variables. */
  strict: boolean;
  /** Rewrites a subtree; `lenient`: an undefined value is not an error there (`??`, `is defined`, `default`). */
  visit(value: unknown, lenient: boolean): unknown;
}

/** A rule of the rewrite: the node rewritten, or `undefined` when the rule is not about this node. */
export type Rule = (r: Rewrite, node: NjNode, lenient: boolean) => NjNode | undefined;

/** Whether `node` is an instance of the nunjucks node class `type` (subclasses included). */
export const isA = (r: Rewrite, node: unknown, type: string): boolean =>
  node instanceof (r.nodes[type] as unknown as abstract new (...a: never[]) => object);

/** A literal at the position of `n`. */
export const lit = (r: Rewrite, n: NjNode, v: string | number | boolean): NjNode =>
  new r.nodes.Literal!(n.lineno, n.colno, v);

/** The error for an expression refused where it is written. */
export const forbid = (n: NjNode, expression: string, reason: string): TemplateForbiddenError =>
  new TemplateForbiddenError(expression, reason, n.lineno + 1, n.colno + 1);

/** `name(args...)` as a filter call at the position of `at` (how the sandbox's checks are compiled in). */
export const filter = (r: Rewrite, at: NjNode, name: string, args: NjNode[]): NjNode =>
  new r.nodes.Filter!(
    at.lineno,
    at.colno,
    new r.nodes.Symbol!(at.lineno, at.colno, name),
    new r.nodes.NodeList!(at.lineno, at.colno, args),
  );

/** A deep copy of a subtree (the same node must not sit in two places of the tree). */
export const clone = (r: Rewrite, n: unknown): unknown => {
  if (Array.isArray(n)) return n.map((c) => clone(r, c));
  if (!isA(r, n, 'Node')) return n;
  const node = n as NjNode;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(node)) as NjNode, node);
  if (isA(r, node, 'NodeList')) copy.children = (node.children ?? []).map((c) => clone(r, c) as NjNode);
  for (const f of node.fields) copy[f] = clone(r, node[f]);
  return copy;
};
