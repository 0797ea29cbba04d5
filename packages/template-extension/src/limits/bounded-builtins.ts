import { budgetOf as renderBudgetOf } from '../render-frames.js';
import { DEFAULT_RENDER_LIMITS, RenderBudget } from './render-limits.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** The budget of the render a filter runs in; outside credflow's renders, a fresh one with the defaults. */
const budgetOf = (context: unknown): RenderBudget => renderBudgetOf(context) ?? new RenderBudget(DEFAULT_RENDER_LIMITS);

const toNumber = (name: string, what: string, v: unknown): number => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${name}(): ${what} must be a finite number`);
  return n;
};

/**
 * `range(start, end, step)` as Pebble (and Kestra) define it: both ends
 * included (`range(1, 3)` is `[1, 2, 3]`), `step` default 1, negative steps
 * count down. nunjucks' one-argument form is kept: `range(n)` is `0 … n-1`.
 * The size is checked before any item is made: at most `maxRange` items,
 * a step that is a finite non-zero number (`range(0, 300000000)` or a step
 * of 1e-16 would otherwise end the process).
 */
export function range(this: unknown, start: unknown, stop?: unknown, step?: unknown): number[] {
  let from = toNumber('range', 'start', start);
  let count: number;
  const by = step === undefined || step === null ? 1 : toNumber('range', 'step', step);
  if (by === 0) throw new Error('range(): step must not be 0');
  if (stop === undefined) {
    // nunjucks: range(n) counts 0 … n-1.
    count = Math.max(0, Math.ceil(from / by));
    budgetOf(this).checkCount(count, 'range()');
    from = 0;
  } else {
    const to = toNumber('range', 'end', stop);
    count = Math.max(0, Math.floor((to - from) / by) + 1);
    budgetOf(this).checkCount(count, 'range()');
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(from + i * by);
  return out;
}

const width = (name: string, v: unknown, fallback: number): number => {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return fallback;
  return toNumber(name, 'the width', v);
};

/** `count` spaces, as nunjucks' `repeat` counts them (a fraction rounds up, none below 1). */
const spacesOf = (count: number): string => (count > 0 ? ' '.repeat(Math.ceil(count)) : '');

const lineCount = (s: unknown): number => {
  const text = s === null || s === undefined ? '' : String(s);
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/**
 * nunjucks' filters whose output size is set by an argument, checked before
 * they run: `center(width)`, `indent(width)`, `batch(size, fill)`,
 * `slice(count, fill)`. Each gets the original filter and returns a bounded one.
 */
export const BOUNDED_FILTERS: Readonly<Record<string, (original: Fn) => Fn>> = {
  center: (original) =>
    function center(this: unknown, str: unknown, w?: unknown) {
      const n = width('center', w, 80);
      budgetOf(this).checkLength(n);
      if (typeof str !== 'string') return original.call(this, str, w);
      // nunjucks pads one space at a time, a string of as many pieces as spaces (200 wide, it holds
      // 6 kB until printed, and a loop of them filled the heap): the same padding, as flat strings.
      if (str.length >= n) return str;
      const spaces = n - str.length;
      return spacesOf(spaces / 2 - (spaces % 2)) + str + spacesOf(spaces / 2);
    },
  indent: (original) =>
    function indent(this: unknown, str: unknown, w?: unknown, first?: unknown) {
      const n = width('indent', w, 4);
      const text = str === null || str === undefined ? '' : String(str);
      budgetOf(this).checkLength(text.length + Math.max(0, n) * lineCount(str));
      return original.call(this, str, w, first);
    },
  batch: (original) =>
    function batch(this: unknown, arr: unknown, size: unknown, fill?: unknown) {
      const n = toNumber('batch', 'the size', size);
      if (n < 1) throw new Error('batch(): the size must be 1 or more');
      budgetOf(this).checkCount(n, 'batch()');
      return original.call(this, arr, n, fill);
    },
  slice: (original) =>
    function slice(this: unknown, arr: unknown, count: unknown, fill?: unknown) {
      const n = toNumber('slice', 'the number of slices', count);
      if (n < 1) throw new Error('slice(): the number of slices must be 1 or more');
      budgetOf(this).checkCount(n, 'slice()');
      return original.call(this, arr, n, fill);
    },
};
