import type { Environment } from 'nunjucks';
import type { NunjucksInternals } from '../nunjucks-internals.js';
import { checkCallee, cycler, joiner, markCallable } from './callables.js';
import { isPresent, memberAccess, variableRead } from './member-access.js';
import { SANDBOX_FILTERS } from './rewrite-sandbox.js';

type Ctx = { env: { globals: Record<string, unknown> } };
const MACROS_MARKED = Symbol.for('credflow.macros-callable');

/**
 * Registers the sandbox's checked operations on an environment (the filters
 * the rewrite compiles member reads and calls into), replaces `cycler` and
 * `joiner` with versions whose functions are callable from the sandbox, and
 * refuses a function as `replace`'s replacement. Macros of this nunjucks
 * installation become callable.
 */
export function installSandbox(env: Environment, nj: NunjucksInternals): void {
  env.addFilter(SANDBOX_FILTERS.member, memberAccess as never);
  env.addFilter(SANDBOX_FILTERS.variable, variableRead as never);
  env.addFilter(SANDBOX_FILTERS.present, isPresent as never);
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
  const replace = env.getFilter('replace') as (this: unknown, ...args: unknown[]) => unknown;
  if (!(replace as { [MACROS_MARKED]?: true })[MACROS_MARKED]) {
    const checked = function (this: unknown, str: unknown, old: unknown, neu: unknown, ...rest: unknown[]) {
      if (typeof neu === 'function') throw new Error('replace(): the replacement must be text, not a function');
      return replace.call(this, str, old, neu, ...rest);
    };
    (checked as { [MACROS_MARKED]?: true })[MACROS_MARKED] = true;
    env.addFilter('replace', checked as never);
  }
  const runtime = nj.runtime as NunjucksInternals['runtime'] & { [MACROS_MARKED]?: true };
  if (!runtime[MACROS_MARKED]) {
    const makeMacro = runtime.makeMacro;
    runtime.makeMacro = (...args: unknown[]) => markCallable(makeMacro(...args));
    runtime[MACROS_MARKED] = true;
  }
}
