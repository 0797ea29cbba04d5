import type { CredentialStore, Scope } from '@credflow/credentials-core';
import type { Environment } from 'nunjucks';
import type { RenderLimits } from './limits/render-limits.js';

/** Resolves the scope of a render from its context (called once, before the template runs). */
export type ScopeResolver = (ctx: Record<string, unknown>) => Scope;

/** What `registerCredentials` attached to an environment. */
export interface Registration {
  store: CredentialStore;
  /** Reads the scope of a render that was not given one. */
  resolveScope: ScopeResolver;
  /** The bounds of every render. */
  limits: RenderLimits;
}

const REGISTRATION = Symbol.for('credflow.registration');

/** Records what `registerCredentials` attached to `env`. */
export function setRegistration(env: Environment, registration: Registration): void {
  (env as unknown as Record<symbol, Registration>)[REGISTRATION] = registration;
}

/** Whether `env` (any value) is an environment `registerCredentials` set up. */
export function isRegistered(env: unknown): boolean {
  return typeof env === 'object' && env !== null && REGISTRATION in env;
}

/** The registration of an environment, or `undefined` when it has none. */
export function registrationOf(env: Environment): Registration | undefined {
  return (env as unknown as Record<symbol, Registration | undefined>)[REGISTRATION];
}
