/**
 * The date filters and `now()` need luxon and Java pattern compilation:
 * about a third of the template code. They are registered by name (so the
 * sandbox and the analysis know every function) and their implementation,
 * `dates.js`, is imported before the first template that names one of
 * them runs. A CLI run whose templates use no date function never loads it.
 */

import { deferUntilLoaded, type LazyLibrary } from '../lazy-libraries.js';

type DateLibrary = typeof import('./dates.js');
type Fn = (...args: never[]) => unknown;

/** The filters implemented by `dates.js`, with the export behind each. */
const FILTER_EXPORTS = {
  date: 'dateFilter',
  dateAdd: 'dateAddFilter',
  timestamp: 'timestampFilter',
  timestampMilli: 'timestampMilliFilter',
  timestampMicro: 'timestampMicroFilter',
  timestampNano: 'timestampNanoFilter',
} as const satisfies Record<string, keyof DateLibrary>;

/** The functions (globals) implemented by `dates.js`. */
const FUNCTION_EXPORTS = { now: 'nowFunction' } as const satisfies Record<string, keyof DateLibrary>;

type DateName = keyof typeof FILTER_EXPORTS | keyof typeof FUNCTION_EXPORTS;
const EXPORTS: Record<DateName, keyof DateLibrary> = { ...FILTER_EXPORTS, ...FUNCTION_EXPORTS };

export const DATE_FILTERS = Object.keys(FILTER_EXPORTS) as (keyof typeof FILTER_EXPORTS)[];
export const DATE_FUNCTIONS = Object.keys(FUNCTION_EXPORTS) as (keyof typeof FUNCTION_EXPORTS)[];

/**
 * Whether a template's source may name a date filter or `now`: every such
 * name starts with `date`, `timestamp` or `now` after a word boundary. It
 * may say yes for a variable (`date_of_birth`): that only loads the library.
 */
const DATE_NAME = /\b(?:date|timestamp|now)/;

let library: DateLibrary | undefined;
let loading: Promise<DateLibrary> | undefined;

/** Imports the date functions once; later calls get the same promise. */
export function loadDateLibrary(): Promise<DateLibrary> {
  loading ??= import('./dates.js').then((m) => {
    library = m;
    return m;
  });
  return loading;
}

/** The registered function for `name`: calls the implementation, which the template's render loaded. */
export function lazyDateFunction(name: DateName): Fn {
  const key = EXPORTS[name];
  return function (this: unknown, ...args: unknown[]): unknown {
    if (!library) {
      // Only a synchronous render (nunjucks' own env.renderString without a callback) gets here.
      throw new Error(
        `${name}() is not loaded yet: render with render()/renderString() of @credflow/template-extension (asynchronous), which loads the date functions first`,
      );
    }
    return (library[key] as (...a: unknown[]) => unknown).apply(this, args);
  };
}

/**
 * Makes the compiled templates of environments that have the standard
 * library (`hasLibrary`) wait for the date functions when their source names
 * one and they are not loaded yet (see lazy-libraries.ts).
 */
export function patchDateLoading(Template: { prototype: object }, hasLibrary: (env: unknown) => boolean): void {
  hasLibraryOf = hasLibrary;
  deferUntilLoaded(Template, DATES);
}

let hasLibraryOf: (env: unknown) => boolean = () => false;
const DATES: LazyLibrary = {
  needs: DATE_NAME,
  loaded: () => library !== undefined,
  load: loadDateLibrary,
  appliesTo: (env) => hasLibraryOf(env),
};
