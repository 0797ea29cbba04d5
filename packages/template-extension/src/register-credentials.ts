import type { CredentialStore, Scope } from '@credflow/credentials-core';
import type { Environment } from 'nunjucks';
import { internalsOf } from './nunjucks-internals.js';
import { EXTENSION_MARK, FUNCTIONS, patchParser } from './rewrite-calls.js';
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
  /** Scope of every render, or how to read it from the render context. Default: `flow.tenantId` / `flow.namespace`. */
  scope?: Scope | ScopeResolver;
  /** Delimiters to set; `false` keeps the environment's own. Default: {@link CREDFLOW_DELIMITERS}. */
  delimiters?: Partial<Delimiters> | false;
}

/** What {@link registerCredentials} attached to an environment. */
export interface Registration {
  store: CredentialStore;
}

const REGISTRATION = Symbol.for('credflow.registration');

/**
 * Installs `credential()` and `secret()` on a nunjucks environment (and, by
 * default, the `<< >>`, `<% %>`, `<# #>` delimiters). Render with
 * {@link renderString}: the functions are asynchronous.
 */
export function registerCredentials(env: Environment, options: RegisterOptions): Environment {
  if (!options || typeof options.store?.getToken !== 'function') {
    throw new TypeError('[@credflow/template-extension] registerCredentials(): the `store` option is required');
  }
  const nj = internalsOf(env);
  patchParser(nj);
  const scope = options.scope;
  const resolver: ScopeResolver = typeof scope === 'function' ? scope : scope ? () => scope : scopeFromFlow;
  const fns = makeFunctions(resolver);
  env.addFilter(FUNCTIONS.credential, fns.credential as never, true);
  env.addFilter(FUNCTIONS.secret, fns.secret as never, true);
  // A call the rewrite did not reach (e.g. `credential` passed around as a value) fails loudly.
  for (const name of ['credential', 'secret'] as const) {
    env.addGlobal(name, () => {
      throw new Error(`${name}() cannot be called this way: call it directly in a template expression`);
    });
  }
  if (options.delimiters !== false) {
    const e = env as Environment & { opts: { tags?: Partial<Delimiters> } };
    e.opts.tags = { ...CREDFLOW_DELIMITERS, ...(options.delimiters ?? {}) };
  }
  if (!env.hasExtension('credflow')) {
    env.addExtension('credflow', { tags: [], [EXTENSION_MARK]: true } as never);
  }
  (env as unknown as Record<symbol, Registration>)[REGISTRATION] = { store: options.store };
  return env;
}

/** The registration of an environment, or `undefined` when it has none. */
export function registrationOf(env: Environment): Registration | undefined {
  return (env as unknown as Record<symbol, Registration | undefined>)[REGISTRATION];
}
