import type { Environment } from 'nunjucks';
import { activeBudget, DEFAULT_RENDER_LIMITS, RenderBudget } from './limits/render-limits.js';
import { registrationOf } from './registration.js';
import type { RenderFrame } from './render-state.js';

/**
 * Which render a nunjucks context belongs to. The frame (scope, session,
 * first failure) is kept off every template name: it sits under a private
 * symbol of the context's variables object, and a template can only name
 * string keys (the sandbox refuses any other computed key). A symbol costs
 * nothing to the garbage collector, unlike a WeakMap entry per render.
 */
const FRAME: unique symbol = Symbol('credflow.render-frame');

/**
 * The budget of a render without a credflow frame (nunjucks' own
 * `env.renderString()`/`Template.render()` on a registered environment): made
 * once per render, when its root `Context` is made, and carried like the
 * frame into every included template, so every way of rendering enforces
 * every limit (loops, macro depth, time, output).
 */
const BUDGET: unique symbol = Symbol('credflow.render-budget');

type WithFrame = { [FRAME]?: RenderFrame; [BUDGET]?: RenderBudget };

/** Marks an environment whose sandbox is installed (set by `installSandbox`). */
const SANDBOXED = Symbol.for('credflow.sandbox-installed');

/** Attaches a render frame to the variables object passed to `Template.render`. */
export function bindFrame(vars: object, frame: RenderFrame): void {
  Object.defineProperty(vars, FRAME, { value: frame, enumerable: false });
}

/** The frame of the render a filter runs in (`this` of a nunjucks filter is its `Context`). */
export function frameOf(context: unknown): RenderFrame | undefined {
  const vars = (context as { ctx?: unknown } | undefined)?.ctx;
  return typeof vars === 'object' && vars !== null ? (vars as WithFrame)[FRAME] : undefined;
}

/**
 * The budget a filter or macro counts against: its render's, else the one
 * active (a macro imported without context), else the render's own (a
 * render without a credflow frame, see {@link carryFrame}).
 */
export const budgetOf = (context: unknown): RenderBudget | undefined =>
  frameOf(context)?.budget ?? activeBudget() ?? ownBudgetOf(context);

/** The budget of a render without a frame, made at its first use when the context was made elsewhere. */
function ownBudgetOf(context: unknown): RenderBudget | undefined {
  const c = context as { ctx?: unknown; env?: unknown } | undefined;
  const vars = c?.ctx;
  if (typeof vars !== 'object' || vars === null) return undefined;
  return (vars as WithFrame)[BUDGET] ?? bindBudget(vars, newBudget(c?.env));
}

function newBudget(env: unknown): RenderBudget {
  const limits = typeof env === 'object' && env !== null ? registrationOf(env as Environment)?.limits : undefined;
  return new RenderBudget(limits ?? DEFAULT_RENDER_LIMITS);
}

function bindBudget(vars: object, budget: RenderBudget): RenderBudget {
  Object.defineProperty(vars, BUDGET, { value: budget, enumerable: false, configurable: true });
  return budget;
}

/**
 * nunjucks copies the variables into each new `Context` (the top-level
 * render, every `include`, every `import ... with context`) with its own
 * `extend`, which skips symbols: the nunjucks adapter calls this after
 * `Context.init` to carry the frame over to the copy, so included templates
 * belong to the same render. A render of a credflow environment without a
 * frame (nunjucks' own `renderString`) gets a budget of its own, made here
 * for its root context and carried the same way. Variables of an
 * environment credflow did not register are left alone.
 */
export function carryFrame(context: { ctx: object; env?: unknown }, vars: unknown): void {
  const given = typeof vars === 'object' && vars !== null ? (vars as WithFrame) : undefined;
  const frame = given?.[FRAME];
  if (frame) {
    bindFrame(context.ctx, frame);
    return;
  }
  // A render without a frame on a credflow environment: its own budget, made once for the
  // render (the root context) and carried into what it includes.
  const budget = given?.[BUDGET];
  if (budget) bindBudget(context.ctx, budget);
  else if (isSandboxed(context.env)) bindBudget(context.ctx, newBudget(context.env));
}

const isSandboxed = (env: unknown): boolean =>
  typeof env === 'object' && env !== null && (env as Record<symbol, unknown>)[SANDBOXED] === true;
