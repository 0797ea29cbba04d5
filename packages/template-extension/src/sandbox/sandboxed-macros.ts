import { DEFAULT_RENDER_LIMITS, RenderBudget, withActiveBudget } from '../limits/render-limits.js';
import type { NjNode } from '../nunjucks-internals.js';
import { budgetOf } from '../render-frames.js';
import { markCallable } from './callables.js';

/** Marks the macro and call-block nodes of a template parsed for a credflow environment. */
const SANDBOXED: unique symbol = Symbol('credflow.sandboxed-macro');

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** The filter compiled code hands each new macro to (registered by `installSandbox`). */
export const MACRO_FILTER = '__credflow_macro';

/**
 * Marks every macro and call block (`Caller` extends `Macro`) of a tree
 * parsed for a credflow environment, so the compiler hook wraps them; a
 * macro of any other environment is compiled as nunjucks compiles it.
 */
export function markMacros(ast: NjNode, isMacro: (node: unknown) => boolean, isNode: (v: unknown) => boolean): NjNode {
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
      return;
    }
    if (!isNode(value)) return;
    const node = value as NjNode;
    if (isMacro(node)) (node as NjNode & { [SANDBOXED]?: true })[SANDBOXED] = true;
    for (const f of node.fields) walk(node[f]); // a NodeList's `children` is one of its fields
    if (!node.fields.includes('body')) walk(node.body); // `set ... endset` keeps its body outside its fields
  };
  walk(ast);
  return ast;
}

/** Whether the compiler hook wraps this macro node (see {@link markMacros}). */
export const isSandboxedMacro = (node: unknown): boolean =>
  typeof node === 'object' && node !== null && (node as { [SANDBOXED]?: true })[SANDBOXED] === true;

/**
 * The line the compiler hook emits after nunjucks' own code for a marked
 * macro (`var macro_t_1 = runtime.makeMacro(...)`): the macro becomes
 * {@link sandboxedMacro} of itself, through the environment's own filter.
 */
export const wrapMacroLine = (funcId: string): string => `${funcId} = env.getFilter("${MACRO_FILTER}")(${funcId});`;

/** A macro of a sandboxed template: callable by the template, depth-limited, unprintable. */
export const sandboxedMacro = (macro: Fn): Fn => markCallable(depthLimited(macro));

/**
 * A macro call counts one level of the render's call depth (`maxDepth`):
 * nunjucks calls a macro with the calling template's context as `this`.
 * A macro of a template imported without context has no render frame of
 * its own: its loops and calls count against the render that called it (the
 * active budget). A render without a credflow frame (nunjucks' own
 * `renderString`) counts against its own budget. Each call also counts as
 * one loop iteration.
 */
function depthLimited(macro: Fn): Fn {
  return function limited(this: unknown, ...args: unknown[]) {
    // A render without a frame has its own budget (render-frames.ts); a call with no render
    // context at all gets a fresh one, active for what it calls: every limit holds either way.
    const budget = budgetOf(this) ?? new RenderBudget(DEFAULT_RENDER_LIMITS);
    if (budget.depth >= budget.limits.maxDepth) {
      throw budget.reached('maxDepth', `macro calls nested more than ${budget.limits.maxDepth} deep`);
    }
    // Each call counts as an iteration (and checks the clock): exponential recursion is bounded too.
    budget.tick();
    budget.depth++;
    try {
      return withActiveBudget(budget, () => macro.apply(this, args));
    } finally {
      budget.depth--;
    }
  };
}
