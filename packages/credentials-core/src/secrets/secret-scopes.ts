import type { Clock, Logger } from '../clock.js';
import { DEFAULT_TENANT } from '../config/load-config.js';
import type { CredflowConfig, SecretProviderConfig } from '../config/types.js';
import { describeScope, namespaceChain, type Scope } from '../scope.js';
import { providersFromConfig } from './providers-from-config.js';
import type { SecretProvider } from './secret-provider.js';
import { SecretResolver } from './secret-resolver.js';

export interface SecretScopesOptions {
  /**
   * Providers a host gives instead of every tenant's own `secrets:` list
   * (namespace providers are still asked first). The host then decides what
   * each tenant can read; with the config's lists, a tenant reads only its own.
   */
  override?: readonly SecretProvider[];
  clock?: Clock;
  /** Where providers built from the config warn (e.g. an env secret that does not decode to text). */
  logger?: Logger;
  /** Called with every value handed out, for masking. */
  onValue?: (value: string) => void;
}

/**
 * The secret providers of each scope (SPEC section 2): a namespace's own
 * providers, then its parents' (nearest first), then its tenant's. Another
 * tenant's providers are never in the list, so no name can reach them.
 * Providers are built once per config entry, so their caches and logins are
 * shared by every scope that asks them.
 *
 * Telemetry: the remote managers of the config (Vault and the cloud secret
 * managers) come from {@link providersFromConfig} traced under their cache,
 * so each request that reaches a manager is one `credflow.secret.read` span
 * (a child of the mint or task that asked) and one `credflow.secret.reads`
 * count, however many scopes share the provider; a cached value is neither.
 * Providers given as `override` are used as given: a host traces its own with
 * `traceSecretProvider()`.
 */
export class SecretScopes {
  readonly #config: CredflowConfig;
  readonly #options: SecretScopesOptions;
  readonly #built = new Map<readonly SecretProviderConfig[], SecretProvider[]>();
  readonly #resolvers = new Map<string, SecretResolver>();

  constructor(config: CredflowConfig, options: SecretScopesOptions = {}) {
    this.#config = config;
    this.#options = options;
  }

  /** The providers asked for `scope`, in order; empty for an unknown tenant. */
  providers(scope: Scope = {}): SecretProvider[] {
    const tenantId = scope.tenantId || DEFAULT_TENANT;
    const tenant = this.#config.tenants.get(tenantId);
    if (!tenant) return [];
    const out: SecretProvider[] = [];
    for (const ns of namespaceChain(scope.namespace)) {
      const list = tenant.namespaces.get(ns)?.secrets;
      if (list?.length) out.push(...this.#build(list));
    }
    out.push(...(this.#options.override ?? this.#build(tenant.secrets)));
    return out;
  }

  /** The resolver of `scope` (remembered per tenant and namespace). */
  resolver(scope: Scope = {}): SecretResolver {
    const id = `${scope.tenantId || DEFAULT_TENANT}\u0000${scope.namespace ?? ''}`;
    let r = this.#resolvers.get(id);
    if (r === undefined) {
      const label = describeScope(scope);
      r = new SecretResolver(this.providers(scope), this.#options.onValue, { scope: label });
      if (this.#resolvers.size >= 10_000) this.#resolvers.clear();
      this.#resolvers.set(id, r);
    }
    return r;
  }

  #build(list: readonly SecretProviderConfig[]): SecretProvider[] {
    let built = this.#built.get(list);
    if (built === undefined) {
      built = providersFromConfig(list, {
        baseDir: this.#config.baseDir,
        ...(this.#options.clock ? { clock: this.#options.clock } : {}),
        ...(this.#options.logger ? { logger: this.#options.logger } : {}),
      });
      this.#built.set(list, built);
    }
    return built;
  }
}
