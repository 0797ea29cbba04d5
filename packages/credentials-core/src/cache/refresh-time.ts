import type { AccessToken } from '../token/access-token.js';

/**
 * How long before its expiry a token enters its refresh window:
 * `refreshBeforeExpiry`, but never more than half the token's lifetime.
 *
 * The bound is what keeps refreshes rare (SPEC section 3): a refresh starts
 * no earlier than half-way through the lifetime S it was issued with, so a
 * server issuing tokens of lifetime S gets at most one request per S/2 from
 * an identity, whatever `refreshBeforeExpiry` says (a 60 s token with
 * `refreshBeforeExpiry: PT50S` is refreshed 30 s in, not 10 s in).
 *
 * @param refreshBeforeMs the credential's `cache.refreshBeforeExpiry`, in ms.
 * @param lifetimeMs the lifetime the token was issued with (`expires_in`), in ms.
 * @returns min(refreshBeforeMs, lifetimeMs / 2), in ms.
 */
export function refreshMarginMs(refreshBeforeMs: number, lifetimeMs: number): number {
  return Math.min(refreshBeforeMs, lifetimeMs / 2);
}

/**
 * The monotonic time (ms) from which `token` is due for a refresh: its
 * expiry minus {@link refreshMarginMs}. The one rule both caches use: the
 * in-memory cache (`TokenCache`) starts its background refresh then, and the
 * shared cache (`SharedTokens`) stops handing the process that holds the
 * token the same one back from the shared store then.
 */
export function refreshDueAt(token: Pick<AccessToken, 'expiresAtMono' | 'expiresIn'>, refreshBeforeMs: number): number {
  return token.expiresAtMono - refreshMarginMs(refreshBeforeMs, token.expiresIn * 1000);
}
