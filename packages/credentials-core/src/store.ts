import { type CachePolicy, TokenCache } from './cache/token-cache.js';
import { type Clock, type Logger, stderrLogger, systemClock } from './clock.js';
import { findConfigPath } from './config/config-path.js';
import { definitionHash } from './config/definition-hash.js';
import { loadConfig, parseConfig } from './config/load-config.js';
import type { CredentialDefinition, CredflowConfig } from './config/types.js';
import { CredentialNotFoundError, CredflowError } from './errors.js';
import { builtinGrantTypes } from './grants/builtin.js';
import type { Grant, GrantResult, GrantType } from './grants/grant.js';
import { defaultRetryPolicy, type RetryPolicy } from './http/retry-policy.js';
import { Masker } from './redact.js';
import { listCredentials, type ResolvedCredential, resolveCredential, type Scope } from './scope.js';
import { providersFromConfig } from './secrets/providers-from-config.js';
import type { SecretProvider, SecretRef } from './secrets/secret-provider.js';
import { SecretResolver } from './secrets/secret-resolver.js';
import type { AccessToken, TokenInfo } from './token/access-token.js';
import { toAccessToken } from './token/lifetime.js';

export interface CredentialStoreOptions {
  /** Secret providers to use instead of those the config lists. */
  secretProviders?: readonly SecretProvider[];
  /** Credential types; default: the built-in ones. */
  grantTypes?: readonly GrantType[];
  /** Upper bound on cached tokens (default 10000). */
  maxCachedTokens?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  logger?: Logger;
}

/** A credential as `list()` shows it: no secret values, secret references by name. */
export interface CredentialSummary {
  key: string;
  tenantId: string;
  level: 'tenant' | 'namespace';
  namespace?: string;
  type: string;
  endpoint: string;
  cache: { enabled: boolean; refreshBeforeExpiry: number };
  secrets: { field: string; secret: string; subkey?: string }[];
}

const isSecretRef = (v: unknown): v is SecretRef =>
  typeof v === 'object' && v !== null && typeof (v as { secret?: unknown }).secret === 'string';

/** A credential definition bound to its cache identity and (lazily) its grant. */
interface Binding {
  readonly id: string;
  readonly label: string;
  readonly policy: CachePolicy;
  readonly mint: () => Promise<AccessToken>;
  grant: Grant | undefined;
}

/**
 * The credentials of one `credflow.yaml`: resolves keys by scope, mints
 * tokens through the credential's grant and caches them in memory.
 */
export class CredentialStore {
  readonly config: CredflowConfig;
  readonly secrets: SecretResolver;
  readonly #grantTypes: Map<string, GrantType>;
  readonly #cache: TokenCache;
  readonly #bindings = new WeakMap<CredentialDefinition, Binding>();
  readonly #listeners = new Set<(value: string) => void>();
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retry: RetryPolicy;

  constructor(config: CredflowConfig, options: CredentialStoreOptions = {}) {
    this.config = config;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? stderrLogger;
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#grantTypes = new Map((options.grantTypes ?? builtinGrantTypes).map((g) => [g.type, g]));
    this.#cache = new TokenCache({
      clock: this.#clock,
      logger: this.#logger,
      ...(options.maxCachedTokens !== undefined ? { maxEntries: options.maxCachedTokens } : {}),
    });
    this.secrets = new SecretResolver(options.secretProviders ?? providersFromConfig(config.secrets), (v) =>
      this.#report(v),
    );
  }

  /**
   * Loads a store from a config file: `path`, else `$CREDFLOW_CONFIG`, else
   * `./credflow.yaml`. Throws {@link ConfigError} naming file, path and line.
   */
  static async fromFile(path?: string, options: CredentialStoreOptions = {}): Promise<CredentialStore> {
    const file = findConfigPath(path);
    const config = await loadConfig(file, options.grantTypes ? { grantTypes: options.grantTypes } : {});
    return new CredentialStore(config, options);
  }

  /** Builds a store from YAML text (`file` labels messages, `baseDir` resolves relative paths). */
  static fromYaml(
    text: string,
    options: CredentialStoreOptions & { file?: string; baseDir?: string } = {},
  ): CredentialStore {
    const { file, baseDir, ...rest } = options;
    const config = parseConfig(text, {
      ...(file ? { file } : {}),
      ...(baseDir ? { baseDir } : {}),
      ...(rest.grantTypes ? { grantTypes: rest.grantTypes } : {}),
    });
    return new CredentialStore(config, rest);
  }

  /** Finds `key` for a scope, or throws {@link CredentialNotFoundError} naming key and scope. */
  resolve(key: string, scope: Scope = {}): ResolvedCredential {
    const found = resolveCredential(this.config, key, scope);
    if (!found) throw new CredentialNotFoundError(key, scope.tenantId || 'main', scope.namespace || undefined);
    return found;
  }

  /** A live access token for `key` in `scope`: cached, refreshed before expiry. */
  getToken(key: string, scope: Scope = {}): Promise<string> {
    let b: Binding;
    try {
      b = this.#binding(this.resolve(key, scope));
    } catch (err) {
      return Promise.reject(err);
    }
    // Cache hit: one resolved promise, no async frames.
    const hit = b.policy.enabled ? this.#cache.peek(b.id) : undefined;
    if (hit !== undefined) return Promise.resolve(hit.token);
    return this.#cache.get(b.id, b.policy, b.mint, b.label).then((t) => t.token);
  }

  /** Like {@link getToken}, with the token's metadata. */
  getAccessToken(key: string, scope: Scope = {}): Promise<AccessToken> {
    let b: Binding;
    try {
      b = this.#binding(this.resolve(key, scope));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#cache.get(b.id, b.policy, b.mint, b.label);
  }

  /**
   * The cached token for `key` in `scope` if one is fresh, synchronously;
   * `undefined` when {@link getToken} would have to mint or refresh. Lets
   * callers (the template extension) skip a promise on a cache hit.
   */
  peekToken(key: string, scope: Scope = {}): string | undefined {
    const resolved = resolveCredential(this.config, key, scope);
    if (!resolved?.definition.cache.enabled) return undefined;
    return this.#cache.peek(this.#binding(resolved).id)?.token;
  }

  /**
   * Mints a token now, bypassing (and not filling) the cache, and reports
   * how it went without the token.
   */
  async test(key: string, scope: Scope = {}): Promise<TokenInfo> {
    const resolved = this.resolve(key, scope);
    const started = this.#clock.now();
    const token = await this.#binding(resolved).mint();
    return {
      key,
      type: resolved.definition.type,
      scope: resolved.level,
      tenantId: resolved.tenantId,
      ...(resolved.namespace ? { namespace: resolved.namespace } : {}),
      tokenType: token.tokenType,
      expiresIn: token.expiresIn,
      expiresAt: token.expiresAt.toISOString(),
      ...(token.scopes ? { scopes: [...token.scopes] } : {}),
      durationMs: Math.round(this.#clock.now() - started),
    };
  }

  /**
   * Drops cached tokens: of `key` as seen from `scope`, or every token of
   * the store when no key is given.
   */
  invalidate(key?: string, scope: Scope = {}): void {
    if (key === undefined) {
      this.#cache.clear();
      return;
    }
    const resolved = resolveCredential(this.config, key, scope);
    if (resolved) this.#cache.delete(this.#binding(resolved).id);
  }

  /** Reads a secret through the configured providers (reported for masking). */
  getSecret(name: string, subkey?: string): Promise<string> {
    return this.secrets.resolve(subkey === undefined ? { secret: name } : { secret: name, subkey });
  }

  /**
   * Calls `listener` with every sensitive value the store produces from now
   * on, the moment it is produced: each secret read, token minted, client
   * assertion and GitHub App JWT signed, credential sent to a token endpoint
   * (e.g. the `client_secret_basic` header and its `id:secret` pair), and
   * every value given to {@link registerSensitive}. Returns a function that
   * unsubscribes.
   */
  onSensitiveValue(listener: (value: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reports a sensitive value made outside the store (e.g. a task's computed
   * `Authorization` header) to every {@link onSensitiveValue} listener.
   */
  registerSensitive(value: string): void {
    this.#report(value);
  }

  /** Credentials of the config, one tenant, or visible in one namespace; never secret values. */
  list(scope: Scope = {}): CredentialSummary[] {
    return listCredentials(this.config, scope).map((r) => {
      const def = r.definition;
      const g = this.#grantType(r);
      return {
        key: r.key,
        tenantId: r.tenantId,
        level: r.level,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        type: def.type,
        endpoint: g.endpoint(def),
        cache: { ...def.cache },
        secrets: Object.entries(def)
          .filter(([, v]) => isSecretRef(v))
          .map(([f, v]) => {
            const ref = v as SecretRef;
            return { field: f, secret: ref.secret, ...(ref.subkey ? { subkey: ref.subkey } : {}) };
          }),
      };
    });
  }

  /** Number of tokens in the cache. */
  get cachedTokens(): number {
    return this.#cache.size;
  }

  #report(value: string): void {
    for (const l of this.#listeners) l(value);
  }

  #grantType(r: ResolvedCredential): GrantType {
    const g = this.#grantTypes.get(r.definition.type);
    if (!g) {
      throw new CredflowError(
        'ERR_CONFIG_INVALID',
        `credential '${r.key}': type '${r.definition.type}' is not supported by this store`,
      );
    }
    return g;
  }

  #binding(r: ResolvedCredential): Binding {
    const def = r.definition;
    let b = this.#bindings.get(def);
    if (b) return b;
    const g = this.#grantType(r);
    const label = r.key;
    const binding: Binding = {
      id: [r.tenantId, r.level, r.namespace ?? '', r.key, definitionHash(def)].join('\u0000'),
      label,
      policy: { enabled: def.cache.enabled, refreshBeforeMs: def.cache.refreshBeforeExpiry },
      grant: undefined,
      mint: async () => {
        // What this mint sent (secret, assertion, header) is what a server may echo in an error.
        const sent: string[] = [];
        const stop = this.onSensitiveValue((v) => sent.push(v));
        try {
          binding.grant ??= g.create(def, {
            credential: r.key,
            secrets: this.secrets,
            clock: this.#clock,
            logger: this.#logger,
            retry: this.#retry,
            sensitive: (v) => this.#report(v),
          });
          const result = await binding.grant.mint();
          const token = toAccessToken(
            { ...result, ...maskedScopes(result, [...sent, result.accessToken]) },
            def.defaultLifetime,
          );
          this.#report(token.token);
          return token;
        } catch (err) {
          throw new Masker(sent).maskError(err);
        } finally {
          stop();
        }
      },
    };
    this.#bindings.set(def, binding);
    b = binding;
    return b;
  }
}

/**
 * Granted scopes with what the mint sent masked: a server may echo the
 * client secret or the assertion in `scope`. The text is masked before it is
 * split, so a secret holding spaces is masked whole, not in pieces.
 */
function maskedScopes(result: GrantResult, sent: string[]): { scopes?: string[] } {
  if (result.scope === undefined && !result.scopes) return {};
  const masker = new Masker(sent);
  if (result.scope !== undefined) return { scopes: masker.mask(result.scope).split(/\s+/).filter(Boolean) };
  return { scopes: (result.scopes ?? []).map((s) => masker.mask(s)) };
}
