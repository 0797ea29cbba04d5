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
  /** nunjucks' `safe`, unguarded: marks a `credential()`/`secret()` output verbatim (its value is reported already). */
  safe: '__credflow_safe',
  defined: '__credflow_defined',
  contains: '__credflow_contains',
  print: '__credflow_print',
  iterable: '__credflow_iterable',
  context: '__credflow_context',
  arithmetic: '__credflow_arithmetic',
  global: '__credflow_global',
} as const;
