import type { CredentialStore, Scope } from '@credflow/credentials-core';
import type { Environment } from 'nunjucks';
import { deferUntilLoaded } from './lazy-libraries.js';
import { type RenderLimits, resolveLimits } from './limits/render-limits.js';
import { nunjucksOf } from './nunjucks/adapter.js';
import { loadRegexEngine, MAY_USE_REGEX, regexEngineLoaded } from './regex/linear-regex.js';
import { isRegistered, setRegistration } from './registration.js';
import { makeRenderFunctions } from './render-function.js';
import { type CredflowExtension, EXTENSION_MARK, FUNCTIONS } from './rewrite-calls.js';
import { installSandbox } from './sandbox/install-sandbox.js';
import { makeFunctions, type ScopeResolver, scopeFromFlow } from './template-functions.js';

/** Template delimiters (nunjucks `tags`). */
export interface Delimiters {
  variableStart: string;
  variableEnd: string;
  blockStart: string;
  blockEnd: string;
  commentStart: string;
  commentEnd: string;
}

/** credflow's delimiters: `<< expr >>`, `<% tag %>`, `<# comment #>`. */
export const CREDFLOW_DELIMITERS: Delimiters = {
  variableStart: '<<',
  variableEnd: '>>',
  blockStart: '<%',
  blockEnd: '%>',
  commentStart: '<#',
  commentEnd: '#>',
};

export interface RegisterOptions {
  store: CredentialStore;
  /**
   * Scope of renders that do not pass `{ scope }` to {@link render}, or how
   * to read it from the render context (read once, before the template runs).
   * Default: `flow.tenantId` / `flow.namespace` of the context.
   */
  scope?: Scope | ScopeResolver;
  /** Delimiters to set; `false` keeps the environment's own. Default: {@link CREDFLOW_DELIMITERS}. */
  delimiters?: Partial<Delimiters> | false;
  /**
   * Pebble's strict variables, as in Kestra: an undefined variable or
   * attribute is a render error, except under `default`, `is defined` and
   * `??`. Default `true`; `false` renders them empty, as plain nunjucks does.
   */
  strictVariables?: boolean;
  /**
   * Bounds of every render (SPEC section 4; defaults: output 10 MiB,
   * 1,000,000 loop iterations, `range` of 100,000 items, call depth 100,
   * 10 s of wall time not counting waits for tokens and secrets).
   */
  limits?: Partial<RenderLimits>;
}

/** RE2, for the regular expressions templates supply: loaded before a template that may use one renders. */
const REGEX_ENGINE = {
  needs: MAY_USE_REGEX,
  loaded: regexEngineLoaded,
  load: loadRegexEngine,
  appliesTo: isRegistered,
};

/**
 * Installs `credential()` and `secret()` on a nunjucks environment (and, by
 * default, the `<< >>`, `<% %>`, `<# #>` delimiters), and makes its templates
 * a sandbox: they read plain data and call registered functions only (see
 * the README's security model). Render with {@link renderString}: the
 * functions are asynchronous.
 */
export function registerCredentials(env: Environment, options: RegisterOptions): Environment {
  if (!options || typeof options.store?.getToken !== 'function') {
    throw new TypeError('[@credflow/template-extension] registerCredentials(): the `store` option is required');
  }
  const limits = resolveLimits(options.limits);
  // Finds, checks (3.2.4) and adapts the environment's nunjucks, once per copy.
  const nj = nunjucksOf(env);
  installSandbox(env);
  deferUntilLoaded(nj.Template, REGEX_ENGINE);
  const scope = options.scope;
  const resolveScope: ScopeResolver =
    typeof scope === 'function' ? scope : scope ? () => ({ ...scope }) : scopeFromFlow;
  const fns = makeFunctions();
  env.addFilter(FUNCTIONS.credential, fns.credential as never, true);
  env.addFilter(FUNCTIONS.secret, fns.secret as never, true);
  const renders = makeRenderFunctions();
  env.addFilter(FUNCTIONS.render, renders.render as never, true);
  env.addFilter(FUNCTIONS.renderOnce, renders.renderOnce as never, true);
  // A call the rewrite did not reach (e.g. `credential` passed around as a value) fails loudly.
  for (const name of ['credential', 'secret', 'render', 'renderOnce'] as const) {
    env.addGlobal(name, () => {
      throw new Error(`${name}() cannot be called this way: call it directly in a template expression`);
    });
  }
  if (options.delimiters !== false) {
    const e = env as Environment & { opts: { tags?: Partial<Delimiters> } };
    e.opts.tags = { ...CREDFLOW_DELIMITERS, ...(options.delimiters ?? {}) };
  }
  if (!env.hasExtension('credflow')) {
    const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
    const extension: CredflowExtension = {
      tags: [],
      [EXTENSION_MARK]: true,
      functionGlobals: () => new Set(Object.keys(globals).filter((k) => typeof globals[k] === 'function')),
      asyncFilters: () => new Set((env as unknown as { asyncFilters: string[] }).asyncFilters),
      strict: options.strictVariables !== false,
    };
    env.addExtension('credflow', extension as never);
  }
  setRegistration(env, { store: options.store, resolveScope, limits });
  return env;
}

export { type Registration, registrationOf } from './registration.js';
