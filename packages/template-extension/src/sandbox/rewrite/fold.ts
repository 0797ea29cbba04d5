import type { NjNode } from '../../nunjucks-internals.js';
import { isA, type Rewrite } from './context.js';

/** The text of a key written as a literal or a concatenation of literals; else undefined. */
export function fold(r: Rewrite, n: unknown): string | undefined {
  const node = n as NjNode;
  if (isA(r, node, 'Literal'))
    return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : undefined;
  if (isA(r, node, 'Group') && node.children?.length === 1) return fold(r, node.children[0]);
  if (isA(r, node, 'Concat') || isA(r, node, 'Add')) {
    const left = fold(r, node.left);
    const right = fold(r, node.right);
    return left !== undefined &&
      right !== undefined &&
      (isA(r, node, 'Concat') || typeof (node.left as NjNode).value === 'string')
      ? left + right
      : undefined;
  }
  return undefined;
}
