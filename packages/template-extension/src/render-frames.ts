import type { NunjucksInternals } from './nunjucks-internals.js';
import type { RenderFrame } from './render-state.js';

/**
 * Which render a nunjucks context belongs to. The frame (scope, session,
 * first failure) is kept off the template context, in a WeakMap keyed by the
 * context's variables object, so no template name can reach it.
 */
const frames = new WeakMap<object, RenderFrame>();

/** Associates the variables object passed to `Template.render` with a render frame. */
export function bindFrame(vars: object, frame: RenderFrame): void {
  frames.set(vars, frame);
}

/** The frame of the render a filter runs in (`this` of a nunjucks filter is its `Context`). */
export function frameOf(context: unknown): RenderFrame | undefined {
  const vars = (context as { ctx?: unknown } | undefined)?.ctx;
  return typeof vars === 'object' && vars !== null ? frames.get(vars) : undefined;
}

const PATCHED = Symbol.for('credflow.context-patched');

/**
 * nunjucks copies the variables into each new `Context` (the top-level
 * render, every `include`, every `import ... with context`): carry the frame
 * over to the copy, so included templates belong to the same render.
 */
export function patchContext(nj: NunjucksInternals): void {
  const proto = nj.Context.prototype as { init: (ctx: unknown, ...rest: unknown[]) => void; [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const init = proto.init;
  proto.init = function initWithFrame(this: { ctx: object }, ctx: unknown, ...rest: unknown[]) {
    init.call(this, ctx, ...rest);
    const frame = typeof ctx === 'object' && ctx !== null ? frames.get(ctx) : undefined;
    if (frame) frames.set(this.ctx, frame);
  };
  proto[PATCHED] = true;
}
