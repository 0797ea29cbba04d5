import type { GrantResult } from '../http/grant-result.js';
import { MAX_LIFETIME_S } from '../http/token-response.js';
import type { AccessToken } from './access-token.js';

/**
 * Turns a grant result into an {@link AccessToken}. The lifetime is, in
 * order: `expires_in`; an absolute `expiresAt`; the `exp` claim of a JWT
 * access token; else `defaultLifetimeMs`. It counts from the time the request
 * was sent, so network latency shortens, never lengthens, a token's life.
 */
export function toAccessToken(result: GrantResult, defaultLifetimeMs: number): AccessToken {
  let lifetimeS: number;
  if (result.expiresIn !== undefined) lifetimeS = result.expiresIn;
  else if (result.expiresAt) lifetimeS = (result.expiresAt.getTime() - result.sentAtWall) / 1000;
  else {
    const exp = jwtExp(result.accessToken);
    lifetimeS = exp !== undefined ? exp - result.sentAtWall / 1000 : defaultLifetimeMs / 1000;
  }
  lifetimeS = Math.max(0, Math.min(Math.floor(lifetimeS), MAX_LIFETIME_S));
  // Built without spreads: this runs at every mint.
  const token: { -readonly [K in keyof AccessToken]: AccessToken[K] } = {
    token: result.accessToken,
    tokenType: result.tokenType,
    expiresIn: lifetimeS,
    expiresAt: new Date(result.sentAtWall + lifetimeS * 1000),
    expiresAtMono: result.sentAt + lifetimeS * 1000,
  };
  if (result.scopes) token.scopes = result.scopes;
  return token;
}

/** The numeric `exp` of a JWS compact token, without verifying it (we are its bearer, not its audience). */
export function jwtExp(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}
