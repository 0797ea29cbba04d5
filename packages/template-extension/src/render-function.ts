import type { Environment } from 'nunjucks';
import { RenderLimitError } from './limits/render-limits.js';
import { bindFrame } from './render-frames.js';
import type { RenderFrame } from './render-state.js';
import { templateFor } from './render-string.js';
import { holdsSensitive } from './sandbox/derived-values.js';
import { asForbiddenError } from './sandbox/template-forbidden-error.js';
import { parseNunjucksError } from './template-error.js';
import { type Callback, requireFrame, splitArgs } from './template-functions.js';

interface Context {
  env: Environment;
  ctx: Record<string, unknown>;
}

/** Whether text may hold an expression in either syntax (Kestra: no `{`, nothing to render). */
const MAY_RENDER = /[{<]/;

/**
 * Kestra's `render(toRender, recursive=true)` and `renderOnce(toRender)`:
 * renders text (or every string of a list or map) as a template, with the
 * variables of the render it is called from, in the same sandbox, scope
 * (`credential()`/`secret()` see what the calling template sees, and what
 * they return is reported for masking) and limits. `recursive` renders the
 * result again until it no longer changes, at most `maxDepth` times (Kestra:
 * 100); each nested render counts one level of the render's call depth.
 * Asynchronous, like `credential()`: the call rewrite turns it into an async
 * filter, so it works in outputs, `if`, `for` and `set`, not in macros.
 * @see https://kestra.io/docs/expressions/functions/utilities (`render()`)
 */
export function makeRenderFunctions() {
  const run = (kind: 'render' | 'renderOnce') =>
    function renderFunction(this: Context, line: number, column: number, ...raw: unknown[]): void {
      const { cb, args, kwargs } = splitArgs(kind, raw);
      let frame: RenderFrame | undefined;
      try {
        frame = requireFrame(this, kind);
        const names = kind === 'render' ? ['toRender', 'recursive'] : ['toRender'];
        if (args.length > names.length || Object.keys(kwargs).some((k) => !names.includes(k))) {
          throw new Error(
            kind === 'render'
              ? "render() takes 'toRender' and an optional 'recursive' (true or false)"
              : "renderOnce() takes one argument, 'toRender'",
          );
        }
        const toRender = 'toRender' in kwargs ? kwargs.toRender : args[0];
        if (!('toRender' in kwargs) && args.length === 0) throw new Error(`${kind}() expects an argument 'toRender'`);
        const recursiveArg = kind === 'render' ? ('recursive' in kwargs ? kwargs.recursive : args[1]) : false;
        const recursive = recursiveArg === undefined || recursiveArg === null ? true : recursiveArg;
        if (typeof recursive !== 'boolean') {
          throw new Error("render() expects an optional argument 'recursive' with type boolean");
        }
        const f = frame;
        renderValue(this, f, toRender, recursive, 0).then(
          (v) => {
            // What render() makes of a sensitive value is derived from it (a list of its characters).
            if (f.state.values.size > 0 && holdsSensitive([toRender], f.state.values)) f.state.derive(v);
            deliverValue(cb, v);
          },
          (err: Error) => {
            const error = nestedError(err);
            f.failure ??= { error, line, column };
            cb(error);
          },
        );
      } catch (err) {
        if (frame) frame.failure ??= { error: err as Error, line, column };
        cb(err as Error);
      }
    };
  return { render: run('render'), renderOnce: run('renderOnce') };
}

/** An error of the nested render, without nunjucks' path and position prefix (the call's line is the render's). */
function nestedError(err: Error): Error {
  const forbidden = asForbiddenError(err);
  if (forbidden) return forbidden;
  const limit = err instanceof RenderLimitError ? err : undefined;
  if (limit) return limit;
  return new Error(`render(): ${parseNunjucksError(err.message ?? String(err)).message}`, { cause: err });
}

function deliverValue(cb: Callback, value: unknown): void {
  try {
    cb(null, value);
  } catch (err) {
    cb(err as Error);
  }
}

/** Renders a string, or each string of a list or map; anything else is returned as it is. */
async function renderValue(
  context: Context,
  frame: RenderFrame,
  value: unknown,
  recursive: boolean,
  walk: number,
): Promise<unknown> {
  if (walk > 100) throw new Error('render(): the value is nested too deeply');
  if (typeof value === 'string') return renderText(context, frame, value, recursive);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await renderValue(context, frame, v, recursive, walk + 1));
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: await renderValue(context, frame, v, recursive, walk + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

async function renderText(context: Context, frame: RenderFrame, text: string, recursive: boolean): Promise<string> {
  const budget = frame.budget;
  let current = text;
  for (let round = 0; ; round++) {
    if (!MAY_RENDER.test(current)) return current;
    if (budget.depth >= budget.limits.maxDepth || round >= budget.limits.maxDepth) {
      throw budget.reached(
        'maxDepth',
        `Too many rendering attempts: render() nested or repeated more than ${budget.limits.maxDepth} times`,
      );
    }
    // Each render counts as a loop iteration and checks the clock (a fan-out of renders is bounded).
    budget.tick();
    budget.depth++;
    let next: string;
    try {
      next = await renderOnce(context, frame, current);
    } finally {
      budget.depth--;
    }
    if (!recursive || next === current) return next;
    current = next;
  }
}

/** One render of `text` with the calling render's variables and frame. */
function renderOnce(context: Context, frame: RenderFrame, text: string): Promise<string> {
  const tmpl = templateFor(context.env, text, 'render');
  const vars: Record<string, unknown> = { ...context.ctx };
  bindFrame(vars, frame);
  return new Promise((resolve, reject) => {
    try {
      tmpl.render(vars, (err, out) => (err ? reject(err) : resolve(out ?? '')));
    } catch (err) {
      reject(err);
    }
  });
}
