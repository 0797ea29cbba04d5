import { DEFAULT_TENANT } from './config/load-config.js';
import type { CredentialDefinition, CredflowConfig } from './config/types.js';

/** Where a lookup happens: a tenant and optionally a namespace in it. */
export interface Scope {
  /** Default `main`. */
  tenantId?: string;
  namespace?: string;
}

/** A credential found for a scope. */
export interface ResolvedCredential {
  key: string;
  tenantId: string;
  /** `namespace` when defined on the namespace itself, else `tenant`. */
  level: 'tenant' | 'namespace';
  /** Set when `level` is `namespace`. */
  namespace?: string;
  definition: CredentialDefinition;
}

/**
 * Finds `key` for a scope: the namespace's own credentials first, then the
 * tenant's. A namespace credential is visible in that namespace only (not in
 * its parents or children) and nothing crosses tenants.
 */
export function resolveCredential(
  config: CredflowConfig,
  key: string,
  scope: Scope = {},
): ResolvedCredential | undefined {
  const tenantId = scope.tenantId || DEFAULT_TENANT;
  const tenant = config.tenants.get(tenantId);
  if (!tenant) return undefined;
  if (scope.namespace) {
    const def = tenant.namespaces.get(scope.namespace)?.credentials.get(key);
    if (def) return { key, tenantId, level: 'namespace', namespace: scope.namespace, definition: def };
  }
  const def = tenant.credentials.get(key);
  return def ? { key, tenantId, level: 'tenant', definition: def } : undefined;
}

/** Every credential of the config, or those of one tenant, or those visible in one namespace. */
export function listCredentials(config: CredflowConfig, scope: Scope = {}): ResolvedCredential[] {
  const out: ResolvedCredential[] = [];
  for (const [tenantId, tenant] of config.tenants) {
    if (scope.tenantId && scope.tenantId !== tenantId) continue;
    const visibleNs = scope.namespace ? [scope.namespace] : [...tenant.namespaces.keys()];
    for (const ns of visibleNs) {
      for (const [key, definition] of tenant.namespaces.get(ns)?.credentials ?? []) {
        out.push({ key, tenantId, level: 'namespace', namespace: ns, definition });
      }
    }
    for (const [key, definition] of tenant.credentials) {
      if (scope.namespace && tenant.namespaces.get(scope.namespace)?.credentials.has(key)) continue; // shadowed
      out.push({ key, tenantId, level: 'tenant', definition });
    }
  }
  return out;
}
