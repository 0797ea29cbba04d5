import type { NjNode } from '../../nunjucks-internals.js';
import { isForbiddenKey, isForbiddenName } from '../forbidden-names.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { filter, forbid, isA, lit, type Rule } from './context.js';
import { describe } from './describe.js';
import { fold } from './fold.js';
import { literalPrototype } from './literals.js';

/**
 * Every `a.b`, `a['b']`, `a[k]` becomes a checked read (`memberAccess`).
 * Refused where they are written: forbidden keys (also when the key is a
 * concatenation of literals, `'constr' ~ 'uctor'`), any member of a global
 * function (`range.name`, `cycler[k]`), and prototype members of literals
 * (`"a".toUpperCase`).
 */
export const rewriteLookup: Rule = (r, node, lenient) => {
  if (!isA(r, node, 'LookupVal')) return undefined;
  // Checked as written, before the parts are rewritten.
  const key = node.val as NjNode;
  const target = node.target as NjNode;
  const expression = describe(r, node);
  const folded = fold(r, key);
  if (folded !== undefined && (isForbiddenKey(folded) || isForbiddenName(folded))) {
    throw forbid(node, expression, `templates cannot read '${folded}'`);
  }
  if (isA(r, target, 'Symbol') && r.functionGlobals.has(target.value as string)) {
    throw forbid(node, expression, `'${String(target.value)}' is a function: templates cannot read its members`);
  }
  const proto = literalPrototype(r, target);
  if (proto && folded !== undefined && folded !== 'length' && folded in proto) {
    throw forbid(node, expression, 'templates read only data, not the methods of a value');
  }
  return filter(r, node, SANDBOX_FILTERS.member, [
    r.visit(target, lenient) as NjNode,
    // Under `??`, `???` or `is defined`, an undefined subscript (`block[missing].child`) is undefined, not an error.
    r.visit(key, lenient) as NjNode,
    lit(r, node, expression),
    lit(r, node, node.lineno + 1),
    lit(r, node, node.colno + 1),
    lit(r, node, r.strict && !lenient),
  ]);
};
