import type { Clock, Logger } from '../clock.js';
import type { CredentialTypeSchema } from '../config/credential-type-schema.js';
import type { CredentialCommon } from '../config/types.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import type { ExternalSigner } from '../keys/external-signer.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';

/** What a grant got from the authorization server. */
export interface GrantResult {
  accessToken: string;
  /** As returned, e.g. `Bearer`. */
  tokenType: string;
  /** RFC 6749 section 5.1 `expires_in`, seconds, when given and valid. */
  expiresIn?: number;
  /** Absolute expiry, when the server gives one instead (GitHub's `expires_at`). */
  expiresAt?: Date;
  /** Granted scopes, when the server says (RFC 6749 section 5.1 `scope`). */
  scopes?: string[];
  /**
   * `scope` as the server wrote it, when it did: the store masks this text
   * before splitting it, since a server may echo a secret holding spaces.
   */
  scope?: string;
  /** Monotonic time (ms) at which the successful request was sent. */
  sentAt: number;
  /** Wall time (epoch ms) at which the successful request was sent. */
  sentAtWall: number;
  /** The token endpoint the token came from, when the grant has one (a discovered one included). */
  endpoint?: string;
  /** `x5t#S256` of the TLS client certificate the request presented (RFC 8705), when one was. */
  certificateThumbprint?: string;
  /**
   * Whether the token is bound to that certificate (RFC 8705 section 3): from the JWT access
   * token's `cnf`, else from the server's `tls_client_certificate_bound_access_tokens`.
   */
  certificateBound?: boolean;
}

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
