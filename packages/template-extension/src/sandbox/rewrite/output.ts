import type { NjNode } from '../../nunjucks-internals.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { filter, isA, type Rewrite, type Rule } from './context.js';

/** Kestra prints a list or a map as JSON (`[1,"a"]`, `{"a":1}`), not as `1,a` or `[object Object]`. */
export const rewriteOutput: Rule = (r, node, lenient) => {
  if (!isA(r, node, 'Output')) return undefined;
  node.children = (node.children ?? []).map((c) =>
    isA(r, c, 'TemplateData') ? (r.visit(c, lenient) as NjNode) : printed(r, r.visit(c, lenient) as NjNode),
  );
  return node;
};

/**
 * An output item printed as Kestra prints it (lists and maps as JSON). The
 * branches of an inline `if` (also `?:`, `??`) are wrapped one by one, so
 * a branch holding `credential()` stays an inline `if` the call rewrite can
 * split (the branch not taken is never called).
 */
function printed(r: Rewrite, n: NjNode): NjNode {
  let inner = n;
  while (isA(r, inner, 'Group') && inner.children?.length === 1) inner = inner.children[0]!;
  if (inner !== n && isA(r, inner, 'InlineIf')) return printed(r, inner);
  if (isA(r, n, 'InlineIf')) {
    n.body = printed(r, n.body as NjNode);
    if (n.else_) n.else_ = printed(r, n.else_ as NjNode);
    return n;
  }
  return isOwnCall(r, n) ? n : filter(r, n, SANDBOX_FILTERS.print, [n]);
}

/** `credential(...)` / `secret(...)`: their output is text already (and marked verbatim later). */
const isOwnCall = (r: Rewrite, n: NjNode): boolean =>
  isA(r, n, 'FunCall') &&
  isA(r, n.name, 'Symbol') &&
  ['credential', 'secret'].includes(String((n.name as NjNode).value));
