import type { NjNode } from '../../nunjucks-internals.js';
import { SANDBOX_FILTERS } from '../sandbox-filters.js';
import { filter, isA, lit, type Rule } from './context.js';
import { describe } from './describe.js';
import { checkName } from './names.js';

/** `super()` (lifted by nunjucks by its name) and credflow's asynchronous functions (rewritten to async filters next). */
const ASYNC_CALLS = new Set(['super', 'credential', 'secret', 'render', 'renderOnce']);

/**
 * The callee of every call `f(...)` is checked (`checkCallee`) before
 * nunjucks calls it: a registered global, a macro or a helper's function,
 * never a function found in data.
 */
export const rewriteCall: Rule = (r, node) => {
  if (!isA(r, node, 'FunCall')) return undefined;
  const callee = node.name as NjNode;
  if (isA(r, callee, 'Symbol')) checkName(r, callee);
  else node.name = r.visit(callee, false);
  node.args = r.visit(node.args, false);
  // `super()` is lifted by nunjucks' transformer by its name, and
  // `credential()`/`secret()` become async filters next: leave them.
  if (isA(r, callee, 'Symbol') && ASYNC_CALLS.has(callee.value as string)) return node;
  // Pebble keeps functions apart from variables: `yaml(yaml)` calls the function even where a
  // variable `yaml` exists.
  const calleeNode =
    isA(r, callee, 'Symbol') && r.functionGlobals.has(callee.value as string)
      ? filter(r, callee, SANDBOX_FILTERS.global, [lit(r, callee, String(callee.value))])
      : (node.name as NjNode);
  node.name = filter(r, node, SANDBOX_FILTERS.callee, [
    calleeNode,
    lit(r, node, describe(r, callee)),
    lit(r, node, node.lineno + 1),
    lit(r, node, node.colno + 1),
  ]);
  return node;
};
