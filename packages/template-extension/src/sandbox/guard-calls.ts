import {
  type ArgumentsWalk,
  enterBudget,
  leaveBudget,
  type RenderBudget,
  RenderLimitError,
} from '../limits/render-limits.js';
import { budgetOf, frameOf } from '../render-frames.js';
import type { RenderFrame } from '../render-state.js';
import {
  DerivedValueTooLargeError,
  holdsSensitive,
  isTainted,
  MAX_WALK,
  STRUCTURAL,
  taintCount,
} from './derived-values.js';

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
 * (see derived-values.ts). `held` is what {@link inspectArguments} found;
 * when the sensitive values changed while the call ran, the arguments are
 * looked at again.
 */
function afterCall(frame: RenderFrame, name: string, args: unknown[], result: unknown, held: ArgumentsSeen): void {
  const budget = frame.budget;
  if (typeof result === 'string') budget.checkLength(result.length);
  else if (Array.isArray(result)) budget.checkCount(result.length, `the list ${name}() made`);
  else if (result !== null && typeof result === 'object') {
    const val = (result as { val?: unknown }).val; // nunjucks' SafeString
    if (typeof val === 'string') budget.checkLength(val.length);
  }
  budget.checkTime();
  if (!STRUCTURAL.has(name) && stillHeld(frame.state.values, args, held)) frame.state.derive(result);
}

/**
 * Whether a call's arguments held a sensitive value: what the walk before
 * the call found, or, when the sensitive values or derived lists changed
 * since (or it did not look), a new look.
 */
function stillHeld(values: ReadonlySet<string>, args: unknown[], held: ArgumentsSeen): boolean {
  if (values.size === 0) return false;
  if (held.sensitive) return true;
  if (held.checked && held.values === values.size && held.taints === taintCount()) return false;
  return holdsSensitive(args, values);
}

/** What {@link inspectArguments} found: whether the arguments held a sensitive value, and against what it checked. */
interface ArgumentsSeen {
  /** Whether the sensitive values were looked for (none are known, or a structural call, skip it). */
  checked: boolean;
  sensitive: boolean;
  /** The number of sensitive values, and of derived lists and maps, when the walk ran. */
  values: number;
  taints: number;
}

const NOT_CHECKED: ArgumentsSeen = Object.freeze({ checked: false, sensitive: false, values: 0, taints: 0 });

/**
 * One walk of the arguments of a call, before it runs:
 *
 * - the text it is given, all strings of its arguments together, must fit
 *   `maxOutputBytes` (text captured by a `set` or `filter` block, or a
 *   macro's output, is not otherwise bounded, and splitting a huge text
 *   into a list can end the process), and they may have at most
 *   {@link MAX_PARTS} parts;
 * - when `sensitive` is given, whether they hold one of its values or a
 *   list or map derived from one (fail closed: past {@link MAX_WALK} parts
 *   they do), as {@link holdsSensitive} says.
 *
 * A list or map argument of at least {@link MEMO_PARTS} parts is walked
 * once per render: what the walk found is kept for it (templates never
 * change a list or map in place) and used again while the sensitive values
 * and derived lists are the same.
 */
function inspectArguments(budget: RenderBudget, args: unknown[], sensitive?: ReadonlySet<string>): ArgumentsSeen {
  const checking = sensitive !== undefined && sensitive.size > 0;
  const values = checking ? sensitive.size : 0;
  const taints = checking ? taintCount() : 0;
  let chars = 0;
  let parts = 0;
  let held = false;
  for (const arg of args) {
    let seen: ArgumentsWalk | undefined;
    if (arg !== null && typeof arg === 'object') {
      const memo = budget.walks?.get(arg);
      if (memo !== undefined && (!checking || memo.sensitive || (memo.values === values && memo.taints === taints))) {
        seen = memo;
      }
    }
    if (seen === undefined) {
      seen = walk(budget, arg, checking ? sensitive : undefined, chars, parts);
      if (seen.parts >= MEMO_PARTS && arg !== null && typeof arg === 'object') {
        seen.values = values;
        seen.taints = taints;
        budget.walks ??= new WeakMap();
        budget.walks.set(arg, seen);
      }
    }
    chars += seen.chars;
    parts += seen.parts;
    if (parts > MAX_PARTS) throw tooManyParts(budget);
    if (chars > budget.limits.maxOutputBytes) budget.checkLength(chars);
    if (checking && seen.sensitive) held = true;
  }
  if (!checking) return NOT_CHECKED;
  return { checked: true, sensitive: held || parts > MAX_WALK, values, taints };
}

/** The fewest parts of a list or map whose walk is kept for the rest of the render. */
const MEMO_PARTS = 256;

/** Walks one argument; `chars` and `parts` are the totals of the arguments before it (for the limits). */
function walk(
  budget: RenderBudget,
  value: unknown,
  sensitive: ReadonlySet<string> | undefined,
  charsBefore: number,
  partsBefore: number,
): ArgumentsWalk {
  let chars = 0;
  let parts = 0;
  let found = false;
  const stack: unknown[] = [value];
  while (stack.length) {
    // Lists and maps shared many times count each time (a list of itself doubled 40 times
    // is small in memory but endless to walk, print or copy).
    if (++parts + partsBefore > MAX_PARTS) throw tooManyParts(budget);
    const v = stack.pop();
    if (typeof v === 'string') {
      chars += v.length;
      if (sensitive !== undefined && !found && v.length >= MIN_SENSITIVE) found = includesOne(v, sensitive);
    } else if (typeof v === 'number') {
      if (sensitive !== undefined && !found) found = sensitive.has(String(v));
    } else if (v !== null && typeof v === 'object') {
      if (sensitive !== undefined && !found) found = isTainted(v);
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (v instanceof String && typeof (v as { val?: unknown }).val === 'string') {
        // nunjucks' SafeString: its text (and its length, as any map's number).
        const val = (v as unknown as { val: string }).val;
        chars += val.length;
        if (sensitive !== undefined && !found) {
          found =
            (val.length >= MIN_SENSITIVE && includesOne(val, sensitive)) ||
            sensitive.has(String((v as { length?: unknown }).length));
        }
      } else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
    if (chars + charsBefore > budget.limits.maxOutputBytes) budget.checkLength(chars + charsBefore);
  }
  return { chars, parts, sensitive: found || (sensitive !== undefined && parts > MAX_WALK), values: 0, taints: 0 };
}

/** Strings shorter than this are not looked into (as {@link holdsSensitive}). */
const MIN_SENSITIVE = 4;

function includesOne(text: string, sensitive: ReadonlySet<string>): boolean {
  for (const s of sensitive) if (text.includes(s)) return true;
  return false;
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
  // A list or map a call was given in this render has been counted (all its parts, not only plain data).
  if (value !== null && typeof value === 'object' && budget.walks?.has(value)) return;
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
function quiet(
  frame: RenderFrame,
  kind: 'filter' | 'function',
  name: string,
  args: unknown[],
  held: ArgumentsSeen,
  err: unknown,
): unknown {
  if (
    err instanceof RenderLimitError ||
    err instanceof DerivedValueTooLargeError ||
    !stillHeld(frame.state.values, args, held)
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
  const structural = STRUCTURAL.has(name);
  /** The sensitive values to look for in a call's arguments: none when there are none, or for a structural call. */
  const lookFor = (frame: RenderFrame | undefined): ReadonlySet<string> | undefined =>
    frame !== undefined && !structural && frame.state.values.size > 0 ? frame.state.values : undefined;
  const guarded = isAsync
    ? function guardedAsync(this: unknown, ...args: unknown[]): unknown {
        const frame = frameOf(this);
        const cb = args.at(-1);
        if (!frame || typeof cb !== 'function') return fn.apply(this, args);
        const inputs = args.slice(0, -1);
        let held: ArgumentsSeen;
        try {
          held = inspectArguments(frame.budget, inputs, lookFor(frame));
        } catch (e) {
          (cb as Callback)(named(kind, name, e));
          return undefined;
        }
        args[args.length - 1] = (err: unknown, value?: unknown) => {
          let error = err ? quiet(frame, kind, name, inputs, held, err) : undefined;
          if (!error) {
            try {
              afterCall(frame, name, inputs, value, held);
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
        // Its render's budget, the active one, or a frameless render's own (nunjucks' own renderString).
        const budget = frame?.budget ?? budgetOf(this);
        if (!budget) return fn.apply(this, args);
        let held = NOT_CHECKED;
        try {
          held = inspectArguments(budget, args, lookFor(frame));
          const previous = enterBudget(budget);
          let result: unknown;
          try {
            result = fn.apply(this, args);
          } finally {
            leaveBudget(previous);
          }
          if (frame) afterCall(frame, name, args, result, held);
          else if (typeof result === 'string') budget.checkLength(result.length);
          return result;
        } catch (err) {
          throw frame ? quiet(frame, kind, name, args, held, err) : named(kind, name, err);
        }
      };
  GUARDED.add(guarded);
  return hideSource(guarded);
}
