/**
 * @deprecated The nunjucks adapter (`nunjucks/adapter.ts`) installs this,
 * for credflow's environments only, when the environment's nunjucks is
 * looked up (see `language/pebble-strings.ts`). Kept, doing nothing, while `registerCredentials`
 * still calls it; delete this file when it no longer does.
 */
export function patchStringLiterals(_nj: unknown): void {}
