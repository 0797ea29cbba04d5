import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { filter, isA, lit, type Rule } from './context.js';
import { checkName } from './names.js';

/**
 * A variable read: its name is checked; under strict variables (Pebble's,
 * as in Kestra) an undefined variable is an error, except where the read is
 * lenient. Pebble's `_context` is the render's variables, as a map.
 */
export const rewriteVariable: Rule = (r, node, lenient) => {
  if (!isA(r, node, 'Symbol')) return undefined;
  if (node.value === '_context') return filter(r, node, SANDBOX_FILTERS.context, []);
  checkName(r, node);
  if (!r.strict || lenient) return node;
  return filter(r, node, SANDBOX_FILTERS.variable, [
    node,
    lit(r, node, String(node.value)),
    lit(r, node, node.lineno + 1),
    lit(r, node, node.colno + 1),
  ]);
};
