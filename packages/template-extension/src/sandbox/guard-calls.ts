import { activeBudget, type RenderBudget, RenderLimitError, withActiveBudget } from '../limits/render-limits.js';
import { frameOf } from '../render-frames.js';
import type { RenderFrame } from '../render-state.js';
import { DerivedValueTooLargeError, holdsSensitive, STRUCTURAL } from './derived-values.js';

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
  while (stack.length) {
    // Lists and maps shared many times count each time (a list of itself doubled 40 times
    // is small in memory but endless to walk, print or copy).
    if (++nodes > MAX_PARTS) throw tooManyParts(budget);
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

/** The most parts (strings, numbers, lists, maps; shared ones counted each time) a value given to a call may have. */
export const MAX_PARTS = 1_000_000;

/** The limit error for a value with more than {@link MAX_PARTS} parts. */
export function tooManyParts(budget: RenderBudget): Error {
  return budget.reached(
    'maxRange',
    `a value has more than ${MAX_PARTS} parts (lists and maps, shared ones counted each time)`,
  );
}

/** Counts the parts of `value` up to {@link MAX_PARTS}, throwing past it. */
export function checkParts(budget: RenderBudget, value: unknown): void {
  let nodes = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    if (++nodes > MAX_PARTS) throw tooManyParts(budget);
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object' && isPlainData(v)) {
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
}

/**
 * The error of a call whose arguments held a sensitive value: its message
 * may quote what the call made of it (jq's `error(.pw | ascii_upcase)`,
 * "Cannot index … with string \"HUNTER2…\""), so it is replaced by one that
 * quotes nothing. Limit errors pass (they quote no value).
 */
function quiet(frame: RenderFrame, kind: 'filter' | 'function', name: string, args: unknown[], err: unknown): unknown {
  if (
    err instanceof RenderLimitError ||
    err instanceof DerivedValueTooLargeError ||
    frame.state.values.size === 0 ||
    !holdsSensitive(args, frame.state.values)
  ) {
    return named(kind, name, err);
  }
  return new Error(
    `${kind} '${name}' failed on a value derived from a secret or token (its message is not shown, it could quote the value)`,
  );
}

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
          let error = err ? quiet(frame, kind, name, inputs, err) : undefined;
          if (!error) {
            try {
              afterCall(frame, name, inputs, value);
            } catch (e) {
              error = named(kind, name, e);
            }
          }
          // nunjucks continues the template inside this callback: an error thrown there (a later
          // filter, an undefined variable) becomes the render's error, never an unhandled rejection.
          try {
            if (error) (cb as Callback)(error);
            else (cb as Callback)(null, value);
          } catch (e) {
            (cb as Callback)(e);
          }
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
          throw frame ? quiet(frame, kind, name, args, err) : named(kind, name, err);
        }
      };
  GUARDED.add(guarded);
  return hideSource(guarded);
}
