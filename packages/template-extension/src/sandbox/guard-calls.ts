import { activeBudget, type RenderBudget, RenderLimitError, withActiveBudget } from '../limits/render-limits.js';
import { frameOf } from '../render-frames.js';
import type { RenderFrame } from '../render-state.js';
import { holdsSensitive, STRUCTURAL } from './derived-values.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Callback = (err: unknown, value?: unknown) => void;

const GUARDED = new WeakSet<object>();

/** Whether `fn` is already a guarded function. */
export const isGuarded = (fn: unknown): boolean => typeof fn === 'function' && GUARDED.has(fn);

/** A function prints nothing that reveals its code (`<< fromJson >>`, `<< range ~ '' >>`). */
export function hideSource<F extends object>(fn: F): F {
  Object.defineProperty(fn, 'toString', { value: () => '', enumerable: false, configurable: false, writable: false });
  return fn;
}

/**
 * What happens after a filter or function a template called returns:
 * its result counts against the render's limits (a string longer than
 * `maxOutputBytes` is an error, the clock is checked), and when an
 * argument held a sensitive value the result's leaves become sensitive
 * (see derived-values.ts).
 */
function afterCall(frame: RenderFrame, name: string, args: unknown[], result: unknown): void {
  const budget = frame.budget;
  if (typeof result === 'string') budget.checkLength(result.length);
  else if (Array.isArray(result)) budget.checkCount(result.length, `the list ${name}() made`);
  else if (result !== null && typeof result === 'object') {
    const val = (result as { val?: unknown }).val; // nunjucks' SafeString
    if (typeof val === 'string') budget.checkLength(val.length);
  }
  budget.checkTime();
  if (frame.state.values.size > 0 && !STRUCTURAL.has(name) && holdsSensitive(args, frame.state.values)) {
    frame.state.derive(result);
  }
}

/**
 * Before a filter or function runs: the text it is given, all strings of
 * its arguments together, must fit `maxOutputBytes` (text captured by a
 * `set` or `filter` block, or a macro's output, is not otherwise bounded,
 * and splitting a huge text into a list can end the process).
 */
function beforeCall(budget: RenderBudget, args: unknown[]): void {
  let total = 0;
  let nodes = 0;
  const stack: unknown[] = [...args];
  while (stack.length && nodes++ < 100_000) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') {
      const val = (v as { val?: unknown }).val;
      if (typeof val === 'string' && !isPlainData(v)) total += val.length;
      else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
    if (total > budget.limits.maxOutputBytes) budget.checkLength(total);
  }
}

const isPlainData = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** A limit error names what the template called. */
function named(kind: 'filter' | 'function', name: string, err: unknown): unknown {
  if (err instanceof RenderLimitError && !err.message.startsWith(`${kind} '`)) {
    err.message = `${kind} '${name}': ${err.message}`;
  }
  return err;
}

/**
 * Wraps a filter or a global function of a sandboxed environment: see
 * {@link afterCall}. `this` is the render's nunjucks context (nunjucks calls
 * filters and functions with it), which leads to the render's frame. An
 * async filter (`addFilter(name, fn, true)`) gets its callback wrapped.
 * The wrapper prints as empty text.
 */
export function guardCall(fn: Fn, kind: 'filter' | 'function', name: string, isAsync = false): Fn {
  if (GUARDED.has(fn)) return fn;
  const guarded = isAsync
    ? function guardedAsync(this: unknown, ...args: unknown[]): unknown {
        const frame = frameOf(this);
        const cb = args.at(-1);
        if (!frame || typeof cb !== 'function') return fn.apply(this, args);
        const inputs = args.slice(0, -1);
        try {
          beforeCall(frame.budget, inputs);
        } catch (e) {
          (cb as Callback)(named(kind, name, e));
          return undefined;
        }
        args[args.length - 1] = (err: unknown, value?: unknown) => {
          if (!err) {
            try {
              afterCall(frame, name, inputs, value);
            } catch (e) {
              (cb as Callback)(named(kind, name, e));
              return;
            }
          }
          (cb as Callback)(err, value);
        };
        return fn.apply(this, args);
      }
    : function guarded(this: unknown, ...args: unknown[]): unknown {
        const frame = frameOf(this);
        const budget = frame?.budget ?? activeBudget();
        if (!budget) return fn.apply(this, args);
        try {
          beforeCall(budget, args);
          const result = withActiveBudget(budget, () => fn.apply(this, args));
          if (frame) afterCall(frame, name, args, result);
          else if (typeof result === 'string') budget.checkLength(result.length);
          return result;
        } catch (err) {
          throw named(kind, name, err);
        }
      };
  GUARDED.add(guarded);
  return hideSource(guarded);
}
