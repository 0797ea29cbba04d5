import { DEFAULT_TENANT } from './config/load-config.js';
import { NAMESPACE_PATTERN } from './config/schema.js';
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
  /** `namespace` when defined on a namespace (the asked one or a parent), else `tenant`. */
  level: 'tenant' | 'namespace';
  /** Set when `level` is `namespace`: the namespace that defines it, which may be a parent of the asked one. */
  namespace?: string;
  definition: CredentialDefinition;
}

/**
 * A namespace and its parents, nearest first: `a.b.c` → `a.b.c`, `a.b`,
 * `a` (Kestra's hierarchical namespaces). Parents are found by cutting at
 * dots, so `a.bc` is never a child of `a.b`.
 */
export function namespaceChain(namespace: string | undefined): string[] {
  if (!namespace) return [];
  const chain = [namespace];
  // A malformed name (`a.b.`, `.a.b`) has no parents: it can only match itself, which no config defines.
  if (!NAMESPACE_PATTERN.test(namespace)) return chain;
  for (let i = namespace.lastIndexOf('.'); i > 0; i = namespace.lastIndexOf('.', i - 1)) {
    chain.push(namespace.slice(0, i));
  }
  return chain;
}

/** How a scope is named in messages: `tenant 'main', namespace 'a.b'`. */
export function describeScope(scope: Scope): string {
  const tenant = `tenant '${scope.tenantId || DEFAULT_TENANT}'`;
  return scope.namespace ? `${tenant}, namespace '${scope.namespace}'` : tenant;
}

/**
 * Finds `key` for a scope (SPEC section 2): the namespace's own credentials,
 * then its parents' (nearest first), then the tenant's. Never a sibling's or
 * a child's, and nothing crosses tenants.
 */
export function resolveCredential(
  config: CredflowConfig,
  key: string,
  scope: Scope = {},
): ResolvedCredential | undefined {
  const tenantId = scope.tenantId || DEFAULT_TENANT;
  const tenant = config.tenants.get(tenantId);
  if (!tenant) return undefined;
  for (const ns of namespaceChain(scope.namespace)) {
    const def = tenant.namespaces.get(ns)?.credentials.get(key);
    if (def) return { key, tenantId, level: 'namespace', namespace: ns, definition: def };
  }
  const def = tenant.credentials.get(key);
  return def ? { key, tenantId, level: 'tenant', definition: def } : undefined;
}

/**
 * Every credential of the config, or those of one tenant, or those visible
 * in one namespace: its own, its parents' and the tenant's, each key once
 * (the nearest definition wins), each with the namespace it comes from.
 */
export function listCredentials(config: CredflowConfig, scope: Scope = {}): ResolvedCredential[] {
  const out: ResolvedCredential[] = [];
  for (const [tenantId, tenant] of config.tenants) {
    if (scope.tenantId && scope.tenantId !== tenantId) continue;
    if (!scope.namespace) {
      for (const [ns, n] of tenant.namespaces) {
        for (const [key, definition] of n.credentials)
          out.push({ key, tenantId, level: 'namespace', namespace: ns, definition });
      }
      for (const [key, definition] of tenant.credentials) out.push({ key, tenantId, level: 'tenant', definition });
      continue;
    }
    const seen = new Set<string>();
    for (const ns of namespaceChain(scope.namespace)) {
      for (const [key, definition] of tenant.namespaces.get(ns)?.credentials ?? []) {
        if (seen.has(key)) continue; // shadowed by a nearer namespace
        seen.add(key);
        out.push({ key, tenantId, level: 'namespace', namespace: ns, definition });
      }
    }
    for (const [key, definition] of tenant.credentials) {
      if (!seen.has(key)) out.push({ key, tenantId, level: 'tenant', definition });
    }
  }
  return out;
}
