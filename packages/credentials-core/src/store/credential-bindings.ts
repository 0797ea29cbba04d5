import type { CachePolicy } from '../cache/token-cache.js';
import type { Clock, Logger } from '../clock.js';
import { definitionHash } from '../config/definition-hash.js';
import { DEFAULT_TENANT } from '../config/load-config.js';
import type { CredentialDefinition, CredflowConfig } from '../config/types.js';
import { CredentialDefinitionError, CredentialNotFoundError } from '../errors.js';
import type { Grant, GrantResult, GrantType } from '../grants/grant.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import type { ExternalSigner } from '../keys/external-signer.js';
import { type ResolvedCredential, resolveCredential, type Scope } from '../scope.js';
import type { SecretScopes } from '../secrets/secret-scopes.js';
import type { HitCell } from '../telemetry/metrics.js';
import type { StoreTelemetry } from '../telemetry/store-telemetry.js';
import type { AccessToken } from '../token/access-token.js';
import { LookupMemo } from './lookup-memo.js';
import { MintWaits, mintPipeline } from './mint-pipeline.js';
import type { SensitiveValues } from './sensitive-values.js';

/** A credential definition bound to its cache identity and (lazily) its grant. */
export interface Binding {
  readonly id: string;
  readonly label: string;
  readonly policy: CachePolicy;
  /** Traced, counted and audited (SPEC section 9). */
  readonly mint: () => Promise<AccessToken>;
  /** Cache hits of this credential, reported as `credflow.token.cache_hits`. */
  readonly hits: HitCell;
  /** The grant, made on first use. */
  readonly grant: () => Grant;
  /** What the last mint said beyond the token (endpoint, certificate binding), for `test()`. */
  last?: Pick<GrantResult, 'endpoint' | 'certificateThumbprint' | 'certificateBound'>;
}

/** What bindings are made with: the store's parts. */
export interface CredentialBindingsOptions {
  config: CredflowConfig;
  grantTypes: ReadonlyMap<string, GrantType>;
  scopes: SecretScopes;
  telemetry: StoreTelemetry;
  sensitive: SensitiveValues;
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  signers: Readonly<Record<string, ExternalSigner>>;
  /** A live token of `key` in `scope` (the store's `getToken`): what a token exchange's subjectCredential gets. */
  getToken: (key: string, scope: Scope) => Promise<string>;
}

/**
 * The credentials of a store bound to what mints and caches them: one
 * {@link Binding} per definition (its cache identity, its grant made on
 * first use, its mint pipeline), and the (tenant, namespace, key) lookups
 * remembered so a cache hit resolves nothing.
 */
export class CredentialBindings {
  readonly #o: CredentialBindingsOptions;
  readonly #bindings = new WeakMap<CredentialDefinition, Binding>();
  readonly #lookups = new LookupMemo<Binding>();
  readonly #waits = new MintWaits();

  constructor(options: CredentialBindingsOptions) {
    this.#o = options;
  }

  /** The binding of `key` in `scope`, if remembered: the hit path (allocates nothing). */
  remembered(key: string, scope: Scope): Binding | undefined {
    return this.#lookups.get(scope.tenantId || DEFAULT_TENANT, scope.namespace || '', key);
  }

  /** Marks the lookup of `key` in `scope` used (calls that are not cache hits), so it is among the last forgotten. */
  touch(key: string, scope: Scope): void {
    this.#lookups.touch(scope.tenantId || DEFAULT_TENANT, scope.namespace || '', key);
  }

  /** The binding of `key` in `scope`, remembered as used; `undefined` when it is not visible there. */
  find(key: string, scope: Scope): Binding | undefined {
    const tenant = scope.tenantId || DEFAULT_TENANT;
    const namespace = scope.namespace || '';
    const known = this.#lookups.get(tenant, namespace, key);
    if (known !== undefined) {
      this.#lookups.touch(tenant, namespace, key);
      return known;
    }
    const resolved = resolveCredential(this.#o.config, key, scope);
    if (resolved === undefined) return undefined;
    const b = this.bind(resolved);
    this.#lookups.set(tenant, namespace, key, b);
    return b;
  }

  /** The binding of `key` in `scope`; throws {@link CredentialNotFoundError}. */
  lookup(key: string, scope: Scope): Binding {
    const b = this.find(key, scope);
    if (b !== undefined) return b;
    throw new CredentialNotFoundError(key, scope.tenantId || DEFAULT_TENANT, scope.namespace || undefined);
  }

  /** The type of a resolved credential; throws {@link CredentialDefinitionError} for one this store lacks. */
  grantType(r: ResolvedCredential): GrantType {
    const g = this.#o.grantTypes.get(r.definition.type);
    if (!g) {
      throw new CredentialDefinitionError(r.key, `type '${r.definition.type}' is not supported by this store`);
    }
    return g;
  }

  /** The binding of a resolved credential, made on first use of its definition. */
  bind(r: ResolvedCredential): Binding {
    const def = r.definition;
    const known = this.#bindings.get(def);
    if (known) return known;
    const o = this.#o;
    const g = this.grantType(r);
    // In this process bindings are keyed by the definition object, so the hash never tells two
    // entries apart here; it is what keeps processes with different definitions of one key from
    // sharing tokens through the shared cache (whose keys are derived from this id).
    const id = [r.tenantId, r.level, r.namespace ?? '', r.key, definitionHash(def)].join('\u0000');
    const label = r.key;
    const ownScope: Scope = { tenantId: r.tenantId, ...(r.namespace ? { namespace: r.namespace } : {}) };
    let grant: Grant | undefined;
    const makeGrant = (): Grant =>
      (grant ??= g.create(def, {
        credential: r.key,
        secrets: o.scopes.resolver(ownScope),
        clock: o.clock,
        logger: o.logger,
        retry: o.retry,
        sensitive: (v) => o.sensitive.report(v),
        // Resolved in this credential's own scope, never the caller's.
        // A cycle (a -> b -> a) would wait on its own in-flight mint forever: refused.
        credentialToken: (key) =>
          this.#waits.wait({ id, label }, this.lookup(key, ownScope), r.key, () => o.getToken(key, ownScope)),
        signer: (name) => (Object.hasOwn(o.signers, name) ? o.signers[name] : undefined),
      }));
    const binding: Binding = {
      id,
      label,
      policy: { enabled: def.cache.enabled, refreshBeforeMs: def.cache.refreshBeforeExpiry },
      hits: o.telemetry.hits(r),
      grant: makeGrant,
      mint: o.telemetry.mint(
        id,
        r,
        mintPipeline({
          grant: makeGrant,
          defaultLifetimeMs: def.defaultLifetime,
          sensitive: o.sensitive,
          onResult: (result) => {
            const last = binding.last;
            // Most mints say what the previous one said: kept as it is.
            if (
              last !== undefined &&
              last.endpoint === result.endpoint &&
              last.certificateThumbprint === result.certificateThumbprint &&
              last.certificateBound === result.certificateBound
            ) {
              return;
            }
            binding.last = {
              ...(result.endpoint ? { endpoint: result.endpoint } : {}),
              ...(result.certificateThumbprint ? { certificateThumbprint: result.certificateThumbprint } : {}),
              ...(result.certificateBound !== undefined ? { certificateBound: result.certificateBound } : {}),
            };
          },
        }),
      ),
    };
    this.#bindings.set(def, binding);
    return binding;
  }
}
