import type { NunjucksInternals } from './nunjucks-internals.js';
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

const PATCHED = Symbol.for('credflow.context-patched');

/**
 * nunjucks copies the variables into each new `Context` (the top-level
 * render, every `include`, every `import ... with context`) with its own
 * `extend`, which skips symbols: carry the frame over to the copy, so
 * included templates belong to the same render.
 */
export function patchContext(nj: NunjucksInternals): void {
  const proto = nj.Context.prototype as { init: (ctx: unknown, ...rest: unknown[]) => void; [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const init = proto.init;
  proto.init = function initWithFrame(this: { ctx: object }, ctx: unknown, ...rest: unknown[]) {
    init.call(this, ctx, ...rest);
    const frame = typeof ctx === 'object' && ctx !== null ? (ctx as WithFrame)[FRAME] : undefined;
    if (frame) bindFrame(this.ctx, frame);
  };
  proto[PATCHED] = true;
}
