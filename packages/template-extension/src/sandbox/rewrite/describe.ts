import type { NjNode } from '../../nunjucks-internals.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { isA, type Rewrite } from './context.js';

/** The expression as written (for messages): `range.constructor`, `a[k]`, `f(…)`. */
export function describe(r: Rewrite, n: unknown, depth = 0): string {
  if (depth > 8 || !isA(r, n, 'Node')) return '…';
  const node = n as NjNode;
  if (isA(r, node, 'Symbol')) return String(node.value);
  if (isA(r, node, 'Literal')) return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
  if (isA(r, node, 'LookupVal')) {
    const key = node.val as NjNode;
    const target = describe(r, node.target, depth + 1);
    return isA(r, key, 'Literal') && typeof key.value === 'string' && /^[A-Za-z_$][\w$]*$/.test(key.value)
      ? `${target}.${key.value}`
      : `${target}[${describe(r, key, depth + 1)}]`;
  }
  if (isA(r, node, 'Filter')) {
    const args = (node.args as NjNode).children ?? [];
    const name = String((node.name as NjNode).value);
    if (name === SANDBOX_FILTERS.member) return String((args[2] as NjNode).value);
    if (name === SANDBOX_FILTERS.callee || name === SANDBOX_FILTERS.variable) return String((args[1] as NjNode).value);
    return `${describe(r, args[0], depth + 1)} | ${name}`;
  }
  if (isA(r, node, 'FunCall')) return `${describe(r, node.name, depth + 1)}(…)`;
  if (isA(r, node, 'Group')) return `(${describe(r, (node.children ?? [])[0], depth + 1)})`;
  if (isA(r, node, 'Array')) return '[…]';
  if (isA(r, node, 'Dict')) return '{…}';
  return '…';
}
