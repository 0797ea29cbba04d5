import type { Environment } from 'nunjucks';
import { kestraUnsupported } from '../language/kestra-names.js';
import { containsValue, iterableOf, pebbleLoop, printValue } from '../language/pebble-values.js';
import { BOUNDED_FILTERS, range } from '../limits/bounded-builtins.js';
import { DEFAULT_RENDER_LIMITS, RenderBudget } from '../limits/render-limits.js';
import type { NunjucksInternals } from '../nunjucks-internals.js';
import { regexLiteral, TemplateRegex } from '../regex/template-regex.js';
import { budgetOf, frameOf } from '../render-frames.js';
import { checkedAttributeFilter, groupby, rejectattr, selectattr } from './attribute-filters.js';
import { checkCallee, cycler, joiner } from './callables.js';
import { holdsSensitive } from './derived-values.js';
import { checkParts, guardCall } from './guard-calls.js';
import { isPresent, memberAccess, variableRead } from './member-access.js';
import { SANDBOX_FILTERS } from './rewrite-sandbox.js';
import { dictsort, striptags } from './safe-builtins.js';
import { TEXT_FILTERS, textOnly, verbatimOutput } from './sandbox-filters.js';
import { MACRO_FILTER, sandboxedMacro } from './sandboxed-macros.js';

type Ctx = { env: { globals: Record<string, unknown> } };
type Fn = (this: unknown, ...args: unknown[]) => unknown;
type EnvInternals = {
  filters: Record<string, Fn>;
  tests: Record<string, Fn>;
  globals: Record<string, unknown>;
  asyncFilters: string[];
  addFilter(name: string, fn: Fn, isAsync?: boolean): unknown;
  addGlobal(name: string, value: unknown): unknown;
  getFilter(name: string): Fn;
  getTest(name: string): Fn;
  [INSTALLED]?: true;
};
const REPLACE_CHECKED = Symbol.for('credflow.replace-checked');
const INSTALLED = Symbol.for('credflow.sandbox-installed');

/** The names the sandbox's own filters and credflow's functions are registered under: never wrapped. */
const INTERNAL = /^__credflow_/;

/** A copy of a name-to-value map without a prototype: `hasOwnProperty`, `constructor` are not names in it. */
const nullPrototype = <T>(map: Record<string, T>): Record<string, T> =>
  Object.assign(Object.create(null) as Record<string, T>, map);

/** `a ~ b` and `a + b` in a sandboxed template: a string may not grow past `maxOutputBytes`. */
function checkedJoin(op: '~' | '+') {
  return function join(this: unknown, left: unknown, right: unknown, line?: number, column?: number): unknown {
    const budget = budgetOf(this) ?? new RenderBudget(DEFAULT_RENDER_LIMITS);
    if (left !== null && typeof left === 'object') checkParts(budget, left);
    if (right !== null && typeof right === 'object') checkParts(budget, right);
    const result = op === '~' ? `${left ?? ''}${right ?? ''}` : (left as number) + (right as number);
    if (typeof result === 'string') {
      (budgetOf(this) ?? new RenderBudget(DEFAULT_RENDER_LIMITS)).checkLength(result.length, line, column);
    }
    deriveFrom(this, [left, right], result);
    return result;
  };
}

/** The arithmetic operators other than `+`, as nunjucks compiles them. */
const ARITHMETIC: Readonly<Record<string, (a: number, b: number) => number>> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
  neg: (a) => -a,
  pos: (a) => +a,
};

/** `a - b`, `a * b`, `-a`…: computed as nunjucks does, the result derived when an operand is sensitive. */
function arithmetic(this: unknown, op: string, left: unknown, right?: unknown): unknown {
  const compute = ARITHMETIC[op];
  if (!compute) throw new Error(`unknown operator ${op}`);
  const result = compute(left as number, right as number);
  deriveFrom(this, [left, right], result);
  return result;
}

/** A value computed from a sensitive one is sensitive too (see derived-values.ts). */
function deriveFrom(context: unknown, operands: unknown[], result: unknown): void {
  const state = frameOf(context)?.state;
  if (state && state.values.size > 0 && holdsSensitive(operands, state.values)) state.derive(result);
}

/**
 * Registers the sandbox's checked operations on an environment (the filters
 * the rewrite compiles member reads, calls, loops and concatenations into);
 * makes its filter, test and global maps null-prototype (a name such as
 * `hasOwnProperty` finds nothing); wraps every filter and global function,
 * now and added later, with {@link guardCall} (derived values, limits, no
 * printable source); bounds nunjucks' size-taking builtins (`range`,
 * `center`, `indent`, `batch`, `slice`) and reads attributes as data only
 * (`groupby`, `selectattr`, `rejectattr`, `sum`, `join`, `sort`). The
 * macros of its templates become callable, depth-limited and unprintable
 * (the nunjucks adapter's compiler hook hands each to {@link sandboxedMacro}).
 */
export function installSandbox(env: Environment, _nj?: NunjucksInternals): void {
  const e = env as unknown as EnvInternals;
  if (!e[INSTALLED]) {
    const safe = e.filters.safe;
    if (safe) e.filters[SANDBOX_FILTERS.safe] = verbatimOutput(safe);
    e.filters = nullPrototype(e.filters);
    e.tests = nullPrototype(e.tests);
    e.globals = nullPrototype(e.globals);
    for (const [name, make] of Object.entries(BOUNDED_FILTERS)) {
      const original = e.filters[name];
      if (original) e.filters[name] = make(original);
    }
    e.filters.groupby = groupby as Fn;
    e.filters.striptags = striptags as Fn;
    e.filters.dictsort = dictsort as Fn;
    e.filters.selectattr = selectattr as Fn;
    e.filters.rejectattr = rejectattr as Fn;
    for (const name of ['sum', 'join', 'sort'] as const) {
      const original = e.filters[name];
      if (original) e.filters[name] = checkedAttributeFilter(name, original);
    }
    for (const name of TEXT_FILTERS) {
      const original = e.filters[name];
      if (original) e.filters[name] = textOnly(name, original);
    }
    e.globals.range = range;
    for (const name of Object.keys(e.filters)) {
      if (!INTERNAL.test(name))
        e.filters[name] = guardCall(e.filters[name]!, 'filter', name, e.asyncFilters.includes(name));
    }
    const addFilter = e.addFilter;
    e.addFilter = function addGuardedFilter(this: EnvInternals, name: string, fn: Fn, isAsync?: boolean) {
      return addFilter.call(this, name, INTERNAL.test(name) ? fn : guardCall(fn, 'filter', name, isAsync), isAsync);
    };
    const addGlobal = e.addGlobal;
    e.addGlobal = function addGuardedGlobal(this: EnvInternals, name: string, value: unknown) {
      return addGlobal.call(this, name, typeof value === 'function' ? guardCall(value as Fn, 'function', name) : value);
    };
    for (const name of Object.keys(e.globals)) e.addGlobal(name, e.globals[name]);
    // A missing filter or test that Kestra has is named as such (nunjucks says "filter not found").
    for (const [method, kind] of [
      ['getFilter', 'filter'],
      ['getTest', 'test'],
    ] as const) {
      const get = e[method];
      e[method] = function getNamed(this: EnvInternals, name: string) {
        if (typeof name !== 'string') throw new Error(`${kind} names are text, not a ${typeof name}`);
        const map = kind === 'filter' ? this.filters : this.tests;
        if (!Object.hasOwn(map, name)) {
          const kestra = kestraUnsupported(kind, name);
          if (kestra) throw new Error(kestra);
        }
        return get.call(this, name);
      };
    }
    e[INSTALLED] = true;
  }
  env.addFilter(SANDBOX_FILTERS.member, memberAccess as never);
  env.addFilter(SANDBOX_FILTERS.variable, variableRead as never);
  env.addFilter(SANDBOX_FILTERS.present, isPresent as never);
  env.addFilter(SANDBOX_FILTERS.concat, checkedJoin('~') as never);
  env.addFilter(SANDBOX_FILTERS.add, checkedJoin('+') as never);
  env.addFilter(SANDBOX_FILTERS.arithmetic, arithmetic as never);
  env.addFilter(SANDBOX_FILTERS.global, function global(this: Ctx, name: string) {
    return Object.hasOwn(this.env.globals, name) ? this.env.globals[name] : undefined;
  } as never);
  env.addFilter(SANDBOX_FILTERS.regex, regexLiteral as never);
  env.addFilter(SANDBOX_FILTERS.tick, function tick(
    this: unknown,
    line?: number,
    column?: number,
    loop?: unknown,
    literal?: number,
  ) {
    const budget = budgetOf(this);
    if (budget) {
      budget.tick(line, column);
      if (literal) budget.print(literal, line, column);
    }
    pebbleLoop(loop);
    return '';
  } as never);
  env.addFilter(SANDBOX_FILTERS.defined, ((value: unknown) => value !== undefined) as never);
  env.addFilter(SANDBOX_FILTERS.contains, containsValue as never);
  env.addFilter(SANDBOX_FILTERS.iterable, iterableOf as never);
  env.addFilter(SANDBOX_FILTERS.context, function context(this: { ctx?: Record<string, unknown> }) {
    return { ...(this.ctx ?? {}) };
  } as never);
  env.addFilter(SANDBOX_FILTERS.print, function print(this: unknown, value: unknown) {
    const budget = budgetOf(this) ?? new RenderBudget(DEFAULT_RENDER_LIMITS);
    if (value !== null && typeof value === 'object') checkParts(budget, value);
    const out = printValue(value, (n) => budget.checkLength(n));
    // A list or map printed as JSON is derived from what it holds (a secret split into characters).
    if (out !== value) deriveFrom(this, [value], out);
    if (typeof out === 'string') budget.print(out.length);
    else if (out !== null && typeof out === 'object' && typeof (out as { val?: unknown }).val === 'string') {
      budget.print((out as { val: string }).val.length);
    }
    return out;
  } as never);
  env.addFilter(SANDBOX_FILTERS.callee, function callee(
    this: Ctx,
    fn: unknown,
    expr: string,
    line: number,
    col: number,
  ) {
    return checkCallee(this.env.globals, fn, expr, line, col);
  } as never);
  env.addGlobal('cycler', cycler);
  env.addGlobal('joiner', joiner);
  const replace = env.getFilter('replace') as Fn;
  if (!(replace as { [REPLACE_CHECKED]?: true })[REPLACE_CHECKED]) {
    const checked = function (this: unknown, str: unknown, old: unknown, neu: unknown, ...rest: unknown[]) {
      if (typeof neu === 'function') throw new Error('replace(): the replacement must be text, not a function');
      if (old instanceof TemplateRegex) {
        if (str === null || str === undefined) return str;
        return old.replace(String(str), neu === null || neu === undefined ? '' : String(neu));
      }
      return replace.call(this, str, old, neu, ...rest);
    };
    (checked as { [REPLACE_CHECKED]?: true })[REPLACE_CHECKED] = true;
    env.addFilter('replace', checked as never);
  }
  env.addFilter(MACRO_FILTER, sandboxedMacro as never);
}
