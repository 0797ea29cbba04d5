/**
 * Names a template may never read, write or define, whatever the object:
 * they lead from data to JavaScript (`constructor` → `Function`) or change
 * an object's prototype. Refused statically where they are written in the
 * template, and at run time where a key is computed.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * Variable, filter, test, block, macro and argument names a template may
 * not use: the forbidden keys and every member of `Object.prototype`
 * (nunjucks resolves names with `in` on plain objects, so `toString` or
 * `valueOf` would reach the prototype).
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  ...FORBIDDEN_KEYS,
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/** `__init__`, `__globals__`, `__class__`...: the classic escape hatches of template languages. */
const DUNDER = /^__.*__$/;

/** A key no template may read or write: {@link FORBIDDEN_KEYS} and any `__name__`. */
export const isForbiddenKey = (key: string): boolean => FORBIDDEN_KEYS.has(key) || DUNDER.test(key);

/**
 * A name no template may use: {@link FORBIDDEN_NAMES}, any `__name__`, and
 * credflow's internal names (`__credflow…`).
 */
export const isForbiddenName = (name: string): boolean =>
  FORBIDDEN_NAMES.has(name) || DUNDER.test(name) || name.startsWith('__credflow');
