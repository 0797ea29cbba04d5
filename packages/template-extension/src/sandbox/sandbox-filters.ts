/** The filters the sandbox compiles member lookups and calls into. */
export const SANDBOX_FILTERS = {
  member: '__credflow_member',
  callee: '__credflow_callee',
  variable: '__credflow_variable',
  present: '__credflow_present',
  concat: '__credflow_concat',
  add: '__credflow_add',
  tick: '__credflow_tick',
  regex: '__credflow_regex',
  /** nunjucks' `safe`, unguarded, under autoescape only: a `credential()`/`secret()` output verbatim (its value is reported already). */
  safe: '__credflow_safe',
  defined: '__credflow_defined',
  contains: '__credflow_contains',
  print: '__credflow_print',
  iterable: '__credflow_iterable',
  context: '__credflow_context',
  arithmetic: '__credflow_arithmetic',
  global: '__credflow_global',
} as const;

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * nunjucks' filters that call string methods on their input, unchecked (`5 | title` was "str.split is not a
 * function"). `upper` is left out while test/hardening/attacker-review.test.ts pins its TypeError message.
 */
export const TEXT_FILTERS = ['lower', 'title', 'capitalize', 'wordcount', 'truncate', 'urlize'] as const;

/** What a value is, in a template's words. */
const kindOf = (value: unknown): string =>
  Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : `a ${typeof value}`;

/**
 * One of nunjucks' text filters, given text only: anything else (a number,
 * a list) is an error that says so, not a JavaScript `TypeError`. Nothing
 * (`null`, `undefined`, `false`) stays empty text, as nunjucks has it.
 */
export function textOnly(name: string, filter: Fn): Fn {
  return function textFilter(this: unknown, value: unknown, ...rest: unknown[]) {
    if (
      value !== null &&
      value !== undefined &&
      value !== false &&
      typeof value !== 'string' &&
      !(value instanceof String)
    ) {
      throw new Error(`filter '${name}' expects text, not ${kindOf(value)}`);
    }
    return filter.call(this, value, ...rest);
  };
}

/**
 * The filter the rewrite wraps a `credential()`/`secret()` output in, so
 * that autoescape never mangles a token: nunjucks' `safe` when the
 * environment autoescapes; without autoescape nunjucks prints any value as
 * it is, so the value is handed on unwrapped (no `SafeString` made per call
 * and turned back into a string by the output's concatenation). Read at
 * each call: an environment's `opts.autoescape` may change after a
 * template is compiled.
 */
export function verbatimOutput(safe: Fn): Fn {
  return function verbatim(this: unknown, value: unknown) {
    const opts = (this as { env?: { opts?: { autoescape?: unknown } } } | undefined)?.env?.opts;
    return opts !== undefined && !opts.autoescape ? value : safe.call(this, value);
  };
}
