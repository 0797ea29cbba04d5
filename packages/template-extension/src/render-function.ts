import type { Environment } from 'nunjucks';
import { type RenderBudget, RenderLimitError } from './limits/render-limits.js';
import { nunjucksOf as internalsOf } from './nunjucks/adapter.js';
import type { NjTemplate } from './nunjucks-internals.js';
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
 * The longest text one `render()` compiles, in characters (at most
 * `maxOutputBytes`): compiling runs on the event loop and cannot be
 * stopped half-way, so what one compile may cost is bounded.
 */
export const MAX_RENDER_SOURCE = 256 * 1024;
/** The most tag openings (`<<`, `<%`, `<#`, `{{`, `{%`, `{#`) a text given to one `render()` may hold. */
export const MAX_RENDER_TAGS = 10_000;
/**
 * Texts up to this length share the environment's compile cache (500
 * templates); longer ones are compiled for the call only, so a loop of
 * distinct large texts cannot fill memory with compiled code.
 */
const CACHED_SOURCE = 2 * 1024;
const TAG_OPENING = /[{<][{%#<]/g;

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
        const prior = f.failure;
        renderValue(this, f, kind, toRender, recursive, 0).then(
          (v) => {
            // What render() makes of a sensitive value is derived from it (a list of its characters).
            if (f.state.values.size > 0 && holdsSensitive([toRender], f.state.values)) f.state.derive(v);
            deliverValue(cb, v);
          },
          (err: Error) => {
            const error = nestedError(kind, err);
            // A failure of a function inside the nested render is replaced when its text held a
            // sensitive value: that failure's message could quote it.
            if (error instanceof QuietRenderError && f.failure !== prior) f.failure = { error, line, column };
            else f.failure ??= { error, line, column };
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
function nestedError(kind: 'render' | 'renderOnce', err: Error): Error {
  if (err instanceof QuietRenderError) return err;
  const forbidden = asForbiddenError(err);
  if (forbidden) return forbidden;
  const limit = err instanceof RenderLimitError ? err : undefined;
  if (limit) return limit;
  return new Error(`${kind}(): ${parseNunjucksError(err.message ?? String(err)).message}`, { cause: err });
}

/**
 * The error of a `render()` whose text held a secret, a token or a value
 * derived from one: nunjucks' messages quote the text (`'…' is undefined`,
 * an unexpected token), so it names the function and the kind of error
 * only, and keeps no cause.
 */
class QuietRenderError extends Error {
  constructor(kind: 'render' | 'renderOnce', what: 'syntax error' | 'sandbox refusal' | 'error') {
    super(
      `${kind}(): the text to render holds a value derived from a secret or token; its ${what} is not shown (it could quote the value)`,
    );
    this.name = 'Error';
  }
}

/** The error to report for a failed render of a text that held a sensitive value (limit errors quote no value). */
function quietError(kind: 'render' | 'renderOnce', err: unknown, compiled: boolean): unknown {
  if (err instanceof RenderLimitError || err instanceof QuietRenderError) return err;
  if (!compiled) return new QuietRenderError(kind, 'syntax error');
  return new QuietRenderError(kind, asForbiddenError(err) ? 'sandbox refusal' : 'error');
}

/** Whether `text` holds a secret, a token or a value derived from one. */
const isSensitive = (frame: RenderFrame, text: string): boolean =>
  frame.state.values.size > 0 && holdsSensitive(text, frame.state.values);

/**
 * The text `render()` is about to compile fits the compile limits, and the
 * render's clock has not run out; the compile counts one iteration per tag.
 */
function checkSource(kind: 'render' | 'renderOnce', budget: RenderBudget, text: string): void {
  budget.checkTime();
  const maxChars = Math.min(MAX_RENDER_SOURCE, budget.limits.maxOutputBytes);
  if (text.length > maxChars) {
    throw budget.reached(
      'maxOutputBytes',
      `${kind}() compiles at most ${maxChars} characters of template text; this text has ${text.length}`,
    );
  }
  let tags = 0;
  TAG_OPENING.lastIndex = 0;
  while (TAG_OPENING.exec(text) !== null) {
    if (++tags > MAX_RENDER_TAGS) {
      throw budget.reached(
        'maxIterations',
        `${kind}() compiles at most ${MAX_RENDER_TAGS} tags ('<<', '<%', '{{', '{%'…) in one text; this text has more`,
      );
    }
  }
  if (budget.iterations + tags > budget.limits.maxIterations) {
    throw budget.reached(
      'maxIterations',
      `more than ${budget.limits.maxIterations} loop iterations (each tag ${kind}() compiles counts one)`,
    );
  }
  budget.iterations += tags;
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
  kind: 'render' | 'renderOnce',
  value: unknown,
  recursive: boolean,
  walk: number,
): Promise<unknown> {
  if (walk > 100) throw new Error(`${kind}(): the value is nested too deeply`);
  if (typeof value === 'string') return renderText(context, frame, kind, value, recursive);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await renderValue(context, frame, kind, v, recursive, walk + 1));
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: await renderValue(context, frame, kind, v, recursive, walk + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

async function renderText(
  context: Context,
  frame: RenderFrame,
  kind: 'render' | 'renderOnce',
  text: string,
  recursive: boolean,
): Promise<string> {
  const budget = frame.budget;
  let current = text;
  // Once a round's text held a sensitive value, what the rounds after it render is derived from it.
  let sensitive = false;
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
    sensitive ||= isSensitive(frame, current);
    budget.depth++;
    let next: string;
    const compiled = { done: false };
    try {
      checkSource(kind, budget, current);
      next = await renderOnce(context, frame, current, compiled);
    } catch (err) {
      throw sensitive || isSensitive(frame, current) ? quietError(kind, err, compiled.done) : err;
    } finally {
      budget.depth--;
    }
    if (!recursive || next === current) return next;
    current = next;
  }
}

/**
 * One render of `text` with the calling render's variables and frame. The
 * clock is checked again once the text is compiled (nunjucks compiles it,
 * synchronously, at the start of its render); `compiled.done` tells a
 * syntax error from a render error.
 */
function renderOnce(context: Context, frame: RenderFrame, text: string, compiled: { done: boolean }): Promise<string> {
  const tmpl: NjTemplate & { compiled?: boolean } =
    text.length <= CACHED_SOURCE
      ? templateFor(context.env, text, 'render')
      : new (internalsOf(context.env).Template)(text, context.env, 'render');
  const vars: Record<string, unknown> = { ...context.ctx };
  bindFrame(vars, frame);
  return new Promise((resolve, reject) => {
    let settled: { err: Error | null; out: string | null } | undefined;
    let returned = false;
    const settle = (err: Error | null, out: string | null) => {
      compiled.done = tmpl.compiled === true;
      if (err) reject(err);
      else resolve(out ?? '');
    };
    try {
      tmpl.render(vars, (err, out) => {
        if (returned) settle(err, out);
        else settled = { err, out };
      });
      returned = true;
      compiled.done = tmpl.compiled === true;
      frame.budget.checkTime();
      if (settled) settle(settled.err, settled.out);
    } catch (err) {
      compiled.done = tmpl.compiled === true;
      reject(err);
    }
  });
}
