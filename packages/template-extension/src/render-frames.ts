import { activeBudget, type RenderBudget } from './limits/render-limits.js';
import type { RenderFrame } from './render-state.js';

/**
 * Which render a nunjucks context belongs to. The frame (scope, session,
 * first failure) is kept off every template name: it sits under a private
 * symbol of the context's variables object, and a template can only name
 * string keys (the sandbox refuses any other computed key). A symbol costs
 * nothing to the garbage collector, unlike a WeakMap entry per render.
 */
const FRAME: unique symbol = Symbol('credflow.render-frame');

type WithFrame = { [FRAME]?: RenderFrame };

/** Attaches a render frame to the variables object passed to `Template.render`. */
export function bindFrame(vars: object, frame: RenderFrame): void {
  Object.defineProperty(vars, FRAME, { value: frame, enumerable: false });
}

/** The frame of the render a filter runs in (`this` of a nunjucks filter is its `Context`). */
export function frameOf(context: unknown): RenderFrame | undefined {
  const vars = (context as { ctx?: unknown } | undefined)?.ctx;
  return typeof vars === 'object' && vars !== null ? (vars as WithFrame)[FRAME] : undefined;
}

/** The budget a filter or macro counts against: its render's, else the one active (a macro imported without context). */
export const budgetOf = (context: unknown): RenderBudget | undefined => frameOf(context)?.budget ?? activeBudget();

/**
 * nunjucks copies the variables into each new `Context` (the top-level
 * render, every `include`, every `import ... with context`) with its own
 * `extend`, which skips symbols: the nunjucks adapter calls this after
 * `Context.init` to carry the frame over to the copy, so included templates
 * belong to the same render. Variables without a frame (every render of an
 * environment credflow did not register) are left alone.
 */
export function carryFrame(context: { ctx: object }, vars: unknown): void {
  const frame = typeof vars === 'object' && vars !== null ? (vars as WithFrame)[FRAME] : undefined;
  if (frame) bindFrame(context.ctx, frame);
}

/**
 * @deprecated The nunjucks adapter (`nunjucks/adapter.ts`) installs the
 * Context hook ({@link carryFrame}) when the environment's nunjucks is looked
 * up. Kept, doing nothing, while `registerCredentials` still calls it.
 */
export function patchContext(_nj: unknown): void {}
