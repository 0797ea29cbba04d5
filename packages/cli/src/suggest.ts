import {
  CredentialNotFoundError,
  type CredentialStore,
  DEFAULT_TENANT,
  SecretNotFoundError,
} from '@credflow/credentials-core';
import { didYouMean } from '@credflow/credentials-core/internal';

type ResolvedCredential = ReturnType<CredentialStore['resolve']>;

export interface KeyScope {
  tenantId?: string;
  namespace?: string;
}

/**
 * `store.resolve`, whose {@link CredentialNotFoundError} says which key the
 * scope does see that is closest to the one asked ("did you mean").
 */
export function resolveKey(store: CredentialStore, key: string, scope: KeyScope): ResolvedCredential {
  try {
    return store.resolve(key, scope);
  } catch (err) {
    if (err instanceof CredentialNotFoundError) {
      const seen = store.list(scopeOf(scope)).map((c) => c.key);
      const hint = didYouMean(key, seen);
      if (hint) err.message = err.message.replace(/\.$/, '') + hint;
    }
    throw err;
  }
}

/** `list()` needs the tenant when a namespace is given. */
function scopeOf(scope: KeyScope): KeyScope {
  return { tenantId: scope.tenantId || DEFAULT_TENANT, ...(scope.namespace ? { namespace: scope.namespace } : {}) };
}

/**
 * The names the secret providers of a scope can list (env variables, files;
 * never values), for a "did you mean" on a secret that is not found.
 */
export async function secretNames(store: CredentialStore, scope: KeyScope): Promise<string[]> {
  const names = new Set<string>();
  for (const p of store.secretProviders(scope)) {
    try {
      for (const n of (await p.list?.()) ?? []) names.add(n);
    } catch {
      // a provider that cannot list (or is unreachable) only gives no suggestion
    }
  }
  return [...names];
}

/** Adds "did you mean" to a {@link SecretNotFoundError} from a credential's mint, in place. */
export async function suggestSecret(err: unknown, store: CredentialStore, resolved: ResolvedCredential): Promise<void> {
  if (!(err instanceof SecretNotFoundError)) return;
  const scope = { tenantId: resolved.tenantId, ...(resolved.namespace ? { namespace: resolved.namespace } : {}) };
  const hint = didYouMean(err.secret, await secretNames(store, scope));
  const quoted = `'${err.secret}'`;
  if (hint && err.message.includes(quoted)) err.message = err.message.replace(quoted, `${quoted}${hint}`);
}
