import type { SharedCacheOptions } from '../cache/shared/shared-cache-options.js';
import type { Clock, Logger } from '../clock.js';
import type { GrantType } from '../grants/grant.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import type { ExternalSigner } from '../keys/external-signer.js';
import type { SecretProvider } from '../secrets/secret-provider.js';
import type { AuditSink } from '../telemetry/audit-log.js';

/** Options of {@link CredentialStore.invalidate}. */
export interface InvalidateOptions {
  /**
   * The token the API refused: the cached token is dropped only if it is
   * still this one (SPEC section 3), so many callers refused with the same
   * token cause one new mint, not one each.
   */
  token?: string;
}

/** Options of a {@link CredentialStore}: what replaces the config's choices, and the host's hooks. */
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
