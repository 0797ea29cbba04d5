import { sharedCacheFromConfig } from './cache/shared/shared-cache-from-config.js';
import { SharedTokens } from './cache/shared/shared-tokens.js';
import { TokenCache } from './cache/token-cache.js';
import { type Clock, stderrLogger, systemClock } from './clock.js';
import { findConfigPath } from './config/config-path.js';
import { DEFAULT_TENANT } from './config/load-config.js';
import type { CredflowConfig } from './config/types.js';
import { CredentialNotFoundError } from './errors.js';
import { builtinGrantTypes } from './grants/builtin.js';
import type { ClientTls } from './grants/grant.js';
import { defaultRetryPolicy } from './http/retry-policy.js';
import { loadConfig, parseConfig } from './load-config.js';
import { listCredentials, type ResolvedCredential, resolveCredential, type Scope } from './scope.js';
import type { SecretProvider } from './secrets/secret-provider.js';
import type { SecretResolver } from './secrets/secret-resolver.js';
import { SecretScopes } from './secrets/secret-scopes.js';
import { shownEndpoint } from './shown-endpoint.js';
import { type Binding, CredentialBindings } from './store/credential-bindings.js';
import { type CredentialSummary, summarize } from './store/credential-summary.js';
import { SensitiveValues } from './store/sensitive-values.js';
import type { CredentialStoreOptions, InvalidateOptions } from './store/store-options.js';
import { JsonLinesAuditLog } from './telemetry/audit-log.js';
import { StoreTelemetry } from './telemetry/store-telemetry.js';
import type { AccessToken, TokenInfo } from './token/access-token.js';
import { type GetTokenOptions, minValidityMs } from './token/min-validity.js';

export type { CredentialSummary } from './store/credential-summary.js';
export type { CredentialStoreOptions, InvalidateOptions } from './store/store-options.js';

/**
 * The credentials of one `credflow.yaml`: resolves keys by scope, mints
 * tokens through the credential's grant and caches them in memory (and in
 * a shared cache when one is configured). Its parts: the
 * {@link CredentialBindings} (lookups, grants, mint pipelines), the
 * {@link TokenCache}, the {@link SharedTokens}, the secret scopes and the
 * {@link SensitiveValues} listeners.
 */
export class CredentialStore {
  readonly config: CredflowConfig;
  /** The default tenant's top-level secret providers (`getSecret` reads any scope's). */
  readonly secrets: SecretResolver;
  readonly #scopes: SecretScopes;
  readonly #cache: TokenCache;
  readonly #shared: SharedTokens | undefined;
  readonly #telemetry: StoreTelemetry;
  readonly #bindings: CredentialBindings;
  readonly #sensitive = new SensitiveValues();
  readonly #clock: Clock;
  constructor(config: CredflowConfig, options: CredentialStoreOptions = {}) {
    this.config = config;
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? stderrLogger;
    this.#clock = clock;
    const audit = options.audit ?? (config.audit ? new JsonLinesAuditLog(config.audit.file, logger) : false);
    this.#telemetry = new StoreTelemetry({
      clock,
      logger,
      ...(audit !== false ? { audit } : {}),
    });
    this.#cache = new TokenCache({
      clock,
      logger,
      events: this.#telemetry.cacheEvents,
      ...(options.maxCachedTokens !== undefined ? { maxEntries: options.maxCachedTokens } : {}),
    });
    this.#scopes = new SecretScopes(config, {
      ...(options.secretProviders ? { override: options.secretProviders } : {}),
      clock,
      logger,
      onValue: (v) => this.#sensitive.report(v),
    });
    this.secrets = this.#scopes.resolver();
    this.#bindings = new CredentialBindings({
      config,
      grantTypes: new Map((options.grantTypes ?? builtinGrantTypes).map((g) => [g.type, g])),
      scopes: this.#scopes,
      telemetry: this.#telemetry,
      sensitive: this.#sensitive,
      clock,
      logger,
      retry: { ...defaultRetryPolicy, ...options.retry },
      signers: options.signers ?? {},
      getToken: (key, scope) => this.getToken(key, scope),
    });
    const shared = config.cache?.shared;
    const sharedOptions =
      options.sharedCache ?? (shared ? sharedCacheFromConfig(shared, (ref) => this.secrets.resolve(ref)) : undefined);
    this.#shared =
      sharedOptions &&
      new SharedTokens(sharedOptions, {
        clock,
        logger,
        onHit: (id) => this.#telemetry.sharedCacheHit(id),
      });
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
    if (!found) throw new CredentialNotFoundError(key, scope.tenantId || DEFAULT_TENANT, scope.namespace || undefined);
    return found;
  }

  /**
   * A live access token for `key` in `scope` (SPEC section 3): the cached
   * one while valid, refreshed ahead in the background; callers wait for a
   * mint only when no valid token exists. With `minValidity` (`'PT15M'`), a
   * token with less life left is not handed out.
   */
  getToken(key: string, scope: Scope = {}, options?: GetTokenOptions): Promise<string> {
    let b: Binding;
    let min = 0;
    try {
      b = this.#bindings.remembered(key, scope) ?? this.#bindings.lookup(key, scope);
      if (options !== undefined) min = minValidityMs(options, key);
    } catch (err) {
      return Promise.reject(err);
    }
    // Cache hit: one resolved promise, no async frames.
    if (min === 0) {
      const hit = this.#cache.peek(b.id);
      if (hit !== undefined) {
        b.hits.hits++;
        return Promise.resolve(hit.token);
      }
    }
    this.#bindings.touch(key, scope);
    return this.#cache.get(b.id, b.policy, this.#fill(b, min), b.label, min).then((t) => t.token);
  }

  /** Like {@link getToken}, with the token's metadata. */
  getAccessToken(key: string, scope: Scope = {}, options?: GetTokenOptions): Promise<AccessToken> {
    try {
      const b = this.#bindings.lookup(key, scope);
      const min = minValidityMs(options, key);
      return this.#cache.get(b.id, b.policy, this.#fill(b, min), b.label, min);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The cached token for `key` in `scope` if one is fresh, synchronously;
   * `undefined` when {@link getToken} would have to mint or refresh. Lets
   * callers (the template extension) skip a promise on a cache hit.
   */
  peekToken(key: string, scope: Scope = {}): string | undefined {
    const b = this.#bindings.remembered(key, scope) ?? this.#bindings.find(key, scope);
    if (b === undefined) return undefined;
    const token = this.#cache.peek(b.id)?.token;
    if (token !== undefined) b.hits.hits++;
    return token;
  }

  /**
   * Mints a token now, bypassing (and not filling) the cache, and reports
   * how it went without the token.
   */
  async test(key: string, scope: Scope = {}): Promise<TokenInfo> {
    const resolved = this.resolve(key, scope);
    const started = this.#clock.now();
    const binding = this.#bindings.bind(resolved);
    const token = await binding.mint();
    const last = binding.last;
    return {
      ...last,
      // Shown as lists show it: no query string, where an operator may have put a client secret.
      ...(last?.endpoint ? { endpoint: shownEndpoint(last.endpoint) } : {}),
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
   * The TLS client certificate (RFC 8705) credential `key` presents to its
   * token endpoint, as a dispatcher that presents it, so an API call can use
   * a certificate-bound token; `undefined` when the credential has none.
   * The key itself is never handed out.
   */
  clientTls(key: string, scope: Scope = {}): Promise<ClientTls | undefined> {
    try {
      const grant = this.#bindings.lookup(key, scope).grant();
      return grant.clientTls ? grant.clientTls() : Promise.resolve(undefined);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Drops cached tokens: of `key` as seen from `scope`, or every token of
   * the store when no key is given. With `{ token }` (e.g. the token an API
   * answered 401 to), only if the cached token is still that one. A mint in
   * flight when its token is dropped does not fill the cache with its
   * result (SPEC section 3).
   * @returns whether a cached token was dropped.
   */
  invalidate(key?: string, scope: Scope = {}, options: InvalidateOptions = {}): boolean {
    if (key === undefined) {
      const had = this.#cache.size > 0;
      this.#cache.clear();
      return had;
    }
    const b = this.#bindings.find(key, scope);
    if (b !== undefined) this.#shared?.invalidate(b.id, options.token);
    return b !== undefined && this.#cache.invalidate(b.id, options.token);
  }

  /** Closes the shared cache's connections, if one is configured (tokens keep being served from memory). */
  async close(): Promise<void> {
    await this.#shared?.close();
  }

  /**
   * The secret providers `scope` reads, in order (its namespace's, its
   * parents', then its tenant's; none of another tenant). For tools that
   * check references (the UI, `secrets check`); values are never returned.
   */
  secretProviders(scope: Scope = {}): readonly SecretProvider[] {
    return this.#scopes.resolver(scope).providers;
  }

  /**
   * Reads a secret through the providers of `scope` (SPEC section 2: the
   * namespace's and its parents', then its tenant's; never another
   * tenant's), reported for masking.
   */
  getSecret(name: string, subkey?: string, scope: Scope = {}): Promise<string> {
    return this.#scopes.resolver(scope).resolve(subkey === undefined ? { secret: name } : { secret: name, subkey });
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
    return this.#sensitive.listen(listener);
  }

  /**
   * Reports a sensitive value made outside the store (e.g. a task's computed
   * `Authorization` header) to every {@link onSensitiveValue} listener.
   */
  registerSensitive(value: string): void {
    this.#sensitive.report(value);
  }

  /** Credentials of the config, one tenant, or visible in one namespace; never secret values. */
  list(scope: Scope = {}): CredentialSummary[] {
    return listCredentials(this.config, scope).map((r) => summarize(r, this.#bindings.grantType(r)));
  }

  /** Number of tokens in the cache. */
  get cachedTokens(): number {
    return this.#cache.size;
  }

  /** What the in-memory cache calls for a token of `b`: the shared cache when there is one, else the grant. */
  #fill(b: Binding, min: number): () => Promise<AccessToken> {
    const shared = this.#shared;
    return shared === undefined ? b.mint : () => shared.fill(b.id, b.policy, b.mint, min);
  }
}
