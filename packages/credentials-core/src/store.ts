import { AsyncLocalStorage } from 'node:async_hooks';
import { sharedCacheFromConfig } from './cache/shared-cache-from-config.js';
import { type SharedCacheOptions, SharedTokens } from './cache/shared-tokens.js';
import { type CachePolicy, TokenCache } from './cache/token-cache.js';
import { type Clock, type Logger, stderrLogger, systemClock } from './clock.js';
import { findConfigPath } from './config/config-path.js';
import { definitionHash } from './config/definition-hash.js';
import { DEFAULT_TENANT } from './config/load-config.js';
import type { CredentialDefinition, CredflowConfig } from './config/types.js';
import { CredentialDefinitionError, CredentialNotFoundError } from './errors.js';
import { builtinGrantTypes } from './grants/builtin.js';
import type { ClientTls, Grant, GrantResult, GrantType } from './grants/grant.js';
import { defaultRetryPolicy, type RetryPolicy } from './http/retry-policy.js';
import type { ExternalSigner } from './keys/external-signer.js';
import { loadConfig, parseConfig } from './load-config.js';
import { Masker } from './redact.js';
import { listCredentials, type ResolvedCredential, resolveCredential, type Scope } from './scope.js';
import { mintRotating } from './secrets/rotation.js';
import type { SecretProvider, SecretRef } from './secrets/secret-provider.js';
import type { SecretResolver } from './secrets/secret-resolver.js';
import { SecretScopes } from './secrets/secret-scopes.js';
import { type AuditSink, JsonLinesAuditLog } from './telemetry/audit-log.js';
import type { HitCell } from './telemetry/metrics.js';
import { StoreTelemetry } from './telemetry/store-telemetry.js';
import type { AccessToken, TokenInfo } from './token/access-token.js';
import { toAccessToken } from './token/lifetime.js';
import { type GetTokenOptions, minValidityMs } from './token/min-validity.js';

/** Options of {@link CredentialStore.invalidate}. */
export interface InvalidateOptions {
  /**
   * The token the API refused: the cached token is dropped only if it is
   * still this one (SPEC section 3), so many callers refused with the same
   * token cause one new mint, not one each.
   */
  token?: string;
}

/** Most (tenant, namespace, key) lookups remembered before the memo starts over. */
const MAX_REMEMBERED_LOOKUPS = 10_000;

export interface CredentialStoreOptions {
  /** Secret providers to use instead of every tenant's `secrets:` (the host then decides what each tenant reads). */
  secretProviders?: readonly SecretProvider[];
  /** Credential types; default: the built-in ones. */
  grantTypes?: readonly GrantType[];
  /** Upper bound on cached tokens (default 10000). */
  maxCachedTokens?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  logger?: Logger;
  /**
   * A cache many processes share (SPEC section 8), in front of which the
   * in-memory cache stays; replaces the config's `cache.shared`.
   */
  sharedCache?: SharedCacheOptions;
  /**
   * Where the audit log of mints goes (SPEC section 9), instead of the
   * config's `audit:`; `false` writes none.
   */
  audit?: AuditSink | false;
  /**
   * Signers for keys credflow never holds (KMS, HSM), by the name a
   * credential's `signer:` gives (`private_key_jwt`, `jwt_bearer`, `github_app`).
   */
  signers?: Readonly<Record<string, ExternalSigner>>;
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
  /** Traced, counted and audited (SPEC section 9). */
  mint: () => Promise<AccessToken>;
  /** Cache hits of this credential, reported as `credflow.token.cache_hits`. */
  readonly hits: HitCell;
  /** The grant, made on first use. */
  readonly grant: () => Grant;
  /** What the last mint said beyond the token (endpoint, certificate binding), for `test()`. */
  last?: Pick<GrantResult, 'endpoint' | 'certificateThumbprint' | 'certificateBound'>;
}

/** Credentials whose mint is waiting on this async chain (a token exchange's subjectCredential), to refuse cycles. */
const minting = new AsyncLocalStorage<readonly { id: string; label: string }[]>();

/**
 * The credentials of one `credflow.yaml`: resolves keys by scope, mints
 * tokens through the credential's grant and caches them in memory.
 */
export class CredentialStore {
  readonly config: CredflowConfig;
  /** The default tenant's top-level secret providers (`getSecret` reads any scope's). */
  readonly secrets: SecretResolver;
  readonly #scopes: SecretScopes;
  readonly #grantTypes: Map<string, GrantType>;
  readonly #cache: TokenCache;
  readonly #shared: SharedTokens | undefined;
  readonly #telemetry: StoreTelemetry;
  readonly #bindings = new WeakMap<CredentialDefinition, Binding>();
  /** tenant → namespace ('' for none) → key → binding: a cache hit allocates nothing to find its entry. */
  readonly #lookups = new Map<string, Map<string, Map<string, Binding>>>();
  #rememberedLookups = 0;
  readonly #listeners = new Set<(value: string) => void>();
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retry: RetryPolicy;
  readonly #signers: Readonly<Record<string, ExternalSigner>>;

  constructor(config: CredflowConfig, options: CredentialStoreOptions = {}) {
    this.config = config;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? stderrLogger;
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#signers = options.signers ?? {};
    this.#grantTypes = new Map((options.grantTypes ?? builtinGrantTypes).map((g) => [g.type, g]));
    const audit = options.audit ?? (config.audit ? new JsonLinesAuditLog(config.audit.file, this.#logger) : false);
    this.#telemetry = new StoreTelemetry({
      clock: this.#clock,
      logger: this.#logger,
      ...(audit !== false ? { audit } : {}),
    });
    this.#cache = new TokenCache({
      clock: this.#clock,
      logger: this.#logger,
      events: this.#telemetry.cacheEvents,
      ...(options.maxCachedTokens !== undefined ? { maxEntries: options.maxCachedTokens } : {}),
    });
    this.#scopes = new SecretScopes(config, {
      ...(options.secretProviders ? { override: options.secretProviders } : {}),
      clock: this.#clock,
      logger: this.#logger,
      onValue: (v) => this.#report(v),
    });
    this.secrets = this.#scopes.resolver();
    const shared = config.cache?.shared;
    const sharedOptions =
      options.sharedCache ?? (shared ? sharedCacheFromConfig(shared, (ref) => this.secrets.resolve(ref)) : undefined);
    this.#shared =
      sharedOptions &&
      new SharedTokens(sharedOptions, {
        clock: this.#clock,
        logger: this.#logger,
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
      b = this.#lookup(key, scope);
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
    return this.#cache.get(b.id, b.policy, this.#fill(b, min), b.label, min).then((t) => t.token);
  }

  /** Like {@link getToken}, with the token's metadata. */
  getAccessToken(key: string, scope: Scope = {}, options?: GetTokenOptions): Promise<AccessToken> {
    try {
      const b = this.#lookup(key, scope);
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
    const b = this.#remembered(key, scope) ?? this.#remember(key, scope);
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
    const binding = this.#binding(resolved);
    const token = await binding.mint();
    return {
      ...binding.last,
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
      const grant = this.#lookup(key, scope).grant();
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
    const b = this.#remembered(key, scope) ?? this.#remember(key, scope);
    if (b !== undefined) this.#shared?.invalidate(b.id, options.token);
    return b !== undefined && this.#cache.invalidate(b.id, options.token);
  }

  /** Closes the shared cache's connections, if one is configured (tokens keep being served from memory). */
  async close(): Promise<void> {
    await this.#shared?.close();
  }

  /**
   * Reads a secret through the providers of `scope` (SPEC section 2: the
   * namespace's and its parents', then its tenant's; never another
   * tenant's), reported for masking.
   */
  /**
   * The secret providers `scope` reads, in order (its namespace's, its
   * parents', then its tenant's; none of another tenant). For tools that
   * check references (the UI, `secrets check`); values are never returned.
   */
  secretProviders(scope: Scope = {}): readonly SecretProvider[] {
    return this.#scopes.resolver(scope).providers;
  }

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

  /** What the in-memory cache calls for a token of `b`: the shared cache when there is one, else the grant. */
  #fill(b: Binding, min: number): () => Promise<AccessToken> {
    const shared = this.#shared;
    return shared === undefined ? b.mint : () => shared.fill(b.id, b.policy, b.mint, min);
  }

  #report(value: string): void {
    for (const l of this.#listeners) l(value);
  }

  #grantType(r: ResolvedCredential): GrantType {
    const g = this.#grantTypes.get(r.definition.type);
    if (!g) {
      throw new CredentialDefinitionError(r.key, `type '${r.definition.type}' is not supported by this store`);
    }
    return g;
  }

  /** The binding of `key` in `scope`; throws {@link CredentialNotFoundError}. */
  #lookup(key: string, scope: Scope): Binding {
    const b = this.#remembered(key, scope) ?? this.#remember(key, scope);
    if (b !== undefined) return b;
    throw new CredentialNotFoundError(key, scope.tenantId || DEFAULT_TENANT, scope.namespace || undefined);
  }

  #remembered(key: string, scope: Scope): Binding | undefined {
    return this.#lookups
      .get(scope.tenantId || DEFAULT_TENANT)
      ?.get(scope.namespace || '')
      ?.get(key);
  }

  /** Resolves and remembers `key` in `scope`; `undefined` when it is not visible there. */
  #remember(key: string, scope: Scope): Binding | undefined {
    const resolved = resolveCredential(this.config, key, scope);
    if (resolved === undefined) return undefined;
    const b = this.#binding(resolved);
    if (this.#rememberedLookups >= MAX_REMEMBERED_LOOKUPS) {
      this.#lookups.clear();
      this.#rememberedLookups = 0;
    }
    const tenantId = scope.tenantId || DEFAULT_TENANT;
    let byNamespace = this.#lookups.get(tenantId);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.#lookups.set(tenantId, byNamespace);
    }
    const namespace = scope.namespace || '';
    let byKey = byNamespace.get(namespace);
    if (byKey === undefined) {
      byKey = new Map();
      byNamespace.set(namespace, byKey);
    }
    byKey.set(key, b);
    this.#rememberedLookups++;
    return b;
  }

  #binding(r: ResolvedCredential): Binding {
    const def = r.definition;
    let b = this.#bindings.get(def);
    if (b) return b;
    const g = this.#grantType(r);
    const label = r.key;
    const ownScope: Scope = { tenantId: r.tenantId, ...(r.namespace ? { namespace: r.namespace } : {}) };
    let grant: Grant | undefined;
    const binding: Binding = {
      // In this process bindings are keyed by the definition object, so the hash never tells two
      // entries apart here; it is what keeps processes with different definitions of one key from
      // sharing tokens through the shared cache (whose keys are derived from this id).
      id: [r.tenantId, r.level, r.namespace ?? '', r.key, definitionHash(def)].join('\u0000'),
      label,
      policy: { enabled: def.cache.enabled, refreshBeforeMs: def.cache.refreshBeforeExpiry },
      hits: this.#telemetry.hits(r),
      grant: () =>
        (grant ??= g.create(def, {
          credential: r.key,
          secrets: this.#scopes.resolver(ownScope),
          clock: this.#clock,
          logger: this.#logger,
          retry: this.#retry,
          sensitive: (v) => this.#report(v),
          // Resolved in this credential's own scope, never the caller's.
          credentialToken: (key) => {
            // A cycle (a -> b -> a) would wait on its own in-flight mint forever: refuse it.
            const chain = minting.getStore() ?? [];
            const target = this.#lookup(key, ownScope);
            if (chain.some((c) => c.id === target.id)) {
              const path = [...chain.map((c) => c.label), target.label].join(' -> ');
              throw new CredentialDefinitionError(r.key, `subjectCredential cycle (${path})`);
            }
            return this.getToken(key, ownScope);
          },
          signer: (name) => (Object.hasOwn(this.#signers, name) ? this.#signers[name] : undefined),
        })),
      mint: async () => {
        const chain = minting.getStore() ?? [];
        // What this mint sent (secret, assertion, header) is what a server may echo in an error.
        const sent: string[] = [];
        const stop = this.onSensitiveValue((v) => sent.push(v));
        try {
          const result = await minting.run([...chain, { id: binding.id, label }], () =>
            mintRotating(() => binding.grant().mint()),
          );
          binding.last = {
            ...(result.endpoint ? { endpoint: result.endpoint } : {}),
            ...(result.certificateThumbprint ? { certificateThumbprint: result.certificateThumbprint } : {}),
            ...(result.certificateBound !== undefined ? { certificateBound: result.certificateBound } : {}),
          };
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
    binding.mint = this.#telemetry.mint(binding.id, r, binding.mint);
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
