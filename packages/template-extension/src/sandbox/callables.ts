import { kestraUnsupported } from '../language/kestra-names.js';
import { hideSource } from './guard-calls.js';
import { LocatedTemplateError } from './located-template-error.js';
import { TemplateForbiddenError } from './template-forbidden-error.js';

/**
 * Functions a template may call besides the environment's globals: macros
 * (and `caller`) and the functions nunjucks' helpers hand out (a joiner,
 * a cycler's `next`/`reset`). Anything else a template finds in data is not
 * callable.
 */
const callables = new WeakSet<object>();

/** Allows a template to call `fn` (returns it); printing it shows nothing of its code. */
export function markCallable<F extends object>(fn: F): F {
  callables.add(fn);
  return hideSource(fn);
}

export const isCallable = (fn: unknown): boolean => typeof fn === 'function' && callables.has(fn);

/**
 * The callee of `f(...)` in a sandboxed template: a global of the
 * environment (`range`, `fromJson`, whatever the host registered), a macro,
 * or a helper's function. Anything else is refused.
 */
export function checkCallee(
  globals: Record<string, unknown>,
  fn: unknown,
  expression: string,
  line: number,
  column: number,
): unknown {
  if (typeof fn === 'function') {
    if (callables.has(fn)) return fn;
    for (const name in globals) if (globals[name] === fn) return fn;
    throw new TemplateForbiddenError(
      expression,
      'templates can call only registered functions, macros and nunjucks helpers, not functions found in data',
      line,
      column,
    );
  }
  // Not a sandbox matter: an unknown or misspelt function, or one of Kestra's credflow lacks.
  const kestra = fn === undefined ? kestraUnsupported('function', expression) : undefined;
  if (kestra) throw new LocatedTemplateError(kestra, line, column);
  throw new LocatedTemplateError(
    `unable to call '${expression}': it is ${fn === undefined || fn === null ? String(fn) : `a ${typeof fn}`}, not a function`,
    line,
    column,
  );
}

/** nunjucks' `cycler(...items)`, without `this`: `next()`, `reset()`, `current`. */
export function cycler(...items: unknown[]): { current: unknown; next: () => unknown; reset: () => void } {
  let index = -1;
  const c = {
    current: null as unknown,
    next: markCallable(() => {
      index = index + 1 >= items.length ? 0 : index + 1;
      c.current = items[index];
      return c.current;
    }),
    reset: markCallable(() => {
      index = -1;
      c.current = null;
    }),
  };
  return c;
}

/** nunjucks' `joiner(sep = ',')`: a function that returns '' the first time, then `sep`. */
export function joiner(sep?: unknown): () => unknown {
  const separator = sep || ',';
  let first = true;
  return markCallable(() => {
    const out = first ? '' : separator;
    first = false;
    return out;
  });
}
