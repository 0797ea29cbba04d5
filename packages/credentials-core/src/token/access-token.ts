/** A minted access token and what is known about it. */
export interface AccessToken {
  /** The token itself: never log it. */
  readonly token: string;
  /** As the server said, e.g. `Bearer`. */
  readonly tokenType: string;
  /** Lifetime at issue, in seconds. */
  readonly expiresIn: number;
  /** When it expires (wall clock, from the time the request was sent). */
  readonly expiresAt: Date;
  /** Granted scopes, when the server said. */
  readonly scopes?: readonly string[];
  /** Monotonic ms at which it expires; what the cache trusts. */
  readonly expiresAtMono: number;
}

/** Token metadata without the token, as `test()` reports it. */
export interface TokenInfo {
  key: string;
  type: string;
  scope: 'tenant' | 'namespace';
  tenantId: string;
  namespace?: string;
  tokenType: string;
  expiresIn: number;
  expiresAt: string;
  scopes?: string[];
  durationMs: number;
  /** The token endpoint that answered (a discovered one included), when the type has one. */
  endpoint?: string;
  /** `x5t#S256` of the TLS client certificate presented (RFC 8705). */
  certificateThumbprint?: string;
  /** Whether the token is bound to that certificate (RFC 8705 section 3). */
  certificateBound?: boolean;
}
