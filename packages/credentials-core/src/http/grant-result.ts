/**
 * What a grant got from the authorization server: the access token and
 * what the token response said of it (RFC 6749 section 5.1), with when and
 * where the request was sent. Filled by the token request, read by the
 * token's lifetime and the store.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
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
