/**
 * A part of the standard library whose implementation needs a large
 * library (the `yaml` parser, Amazon Ion): its functions are registered by
 * name, and the implementation module is imported before the first
 * template whose source names one of them renders (as the date functions,
 * see lazy-dates.ts and lazy-libraries.ts). A CLI run whose templates use
 * none of them never loads it.
 */

import { deferUntilLoaded, type LazyLibrary } from '../lazy-libraries.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** Environments that have the standard library (registerStandardLibrary marks them). */
const STANDARD_LIBRARY = Symbol.for('credflow.standard-library');
const hasLibrary = (env: unknown): boolean => typeof env === 'object' && env !== null && STANDARD_LIBRARY in env;

export interface LazyModule<M> {
  /** The registered function for `name`: calls `pick(module)`, which the template's render loaded. */
  fn(name: string, pick: (m: M) => Fn): Fn;
  /** Makes compiled templates of environments with the standard library wait for the module when their source may use it. */
  patch(Template: { prototype: object }): void;
}

/**
 * A module loaded by `importer` before the first template whose source
 * matches `needs` renders; `what` names it in the error of a synchronous
 * render that reached it unloaded.
 */
export function lazyModule<M>(what: string, needs: RegExp, importer: () => Promise<M>): LazyModule<M> {
  let module: M | undefined;
  let loading: Promise<M> | undefined;
  const library: LazyLibrary = {
    needs,
    loaded: () => module !== undefined,
    load: () => {
      loading ??= importer().then((m) => {
        module = m;
        return m;
      });
      return loading;
    },
    appliesTo: hasLibrary,
  };
  return {
    fn(name, pick) {
      return function (this: unknown, ...args: unknown[]): unknown {
        if (!module) {
          // Only a synchronous render (nunjucks' own env.renderString without a callback) gets here.
          throw new Error(
            `${name} is not loaded yet: render with render()/renderString() of @credflow/template-extension (asynchronous), which loads ${what} first`,
          );
        }
        return pick(module).apply(this, args);
      };
    },
    patch(Template) {
      deferUntilLoaded(Template, library);
    },
  };
}
