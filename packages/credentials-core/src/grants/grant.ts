import type { Clock, Logger } from '../clock.js';
import type { CredentialTypeSchema } from '../config/credential-type-schema.js';
import type { CredentialCommon } from '../config/types.js';
import type { GrantResult } from '../http/grant-result.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import type { ExternalSigner } from '../keys/external-signer.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';

// Declared beside the token request that fills it, so http/ and token/ need not import grants/.
export type { GrantResult };

/** What a grant needs to run; given once, when the grant is created. */
export interface GrantContext {
  /** The credential key, for messages. */
  credential: string;
  secrets: SecretResolver;
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  /**
   * Reports a sensitive value the moment the grant produces it (an assertion
   * signed, a header computed, a JWT sent), so every masker hears of it.
   */
  sensitive(value: string): void;
  /**
   * A live token of another credential, resolved in this credential's own
   * scope (a token exchange's `subjectCredential`).
   */
  credentialToken?(key: string): Promise<string>;
  /** A signer the host registered under `name` (store option `signers`), for keys credflow never holds. */
  signer?(name: string): ExternalSigner | undefined;
}

/** A credential definition turned into something that mints tokens. */
export interface Grant {
  mint(): Promise<GrantResult>;
  /**
   * The TLS client certificate the grant presents (RFC 8705), so an API call
   * can present the same one to use a certificate-bound token; `undefined`
   * when it uses none.
   */
  clientTls?(): Promise<ClientTls | undefined>;
}

/** A TLS client identity, as an undici dispatcher that presents it; never the key itself. */
export interface ClientTls {
  dispatcher: import('undici').Dispatcher;
  /** `x5t#S256` of the certificate. */
  thumbprint: string;
}

/**
 * One credential type (`client_credentials`, `jwt_bearer`, ...): its config
 * fields, and how to build a {@link Grant} from a validated definition. New
 * types plug in here without touching the cache or the store.
 */
export interface GrantType<D extends CredentialCommon = CredentialCommon> extends CredentialTypeSchema<D> {
  /** The URL the type talks to, for listings. */
  endpoint(def: D): string;
  /** Builds the grant; called once per definition, so expensive set-up (key import) happens once. */
  create(def: D, ctx: GrantContext): Grant;
}

/** Helper that keeps a grant type's definition type while erasing it for registries. */
export function defineGrantType<D extends CredentialCommon>(g: GrantType<D>): GrantType {
  return g as unknown as GrantType;
}
