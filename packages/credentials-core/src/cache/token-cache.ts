import { LRUCache } from 'lru-cache';
import type { Clock, Logger } from '../clock.js';
import { refreshBackoffMs } from '../http/retry-policy.js';
import type { AccessToken } from '../token/access-token.js';
import { lifetimeTooShort } from '../token/min-validity.js';
import { refreshDueAt } from './refresh-time.js';

/** How one credential is cached. */
export interface CachePolicy {
  enabled: boolean;
  /** Refresh this many ms before expiry. */
  refreshBeforeMs: number;
}

/**
 * What the cache tells its owner, by cache identity (the store counts them
 * as metrics, SPEC section 9). Called synchronously: keep them cheap.
 */
export interface TokenCacheEvents {
  /** A call got a cached token without waiting. */
  hit?(id: string): void;
  /** A call waits for a mint (no valid token, or caching off). */
  miss?(id: string): void;
  /** A background refresh failed; the cached token is still served. */
  refreshFailed?(id: string, error: unknown): void;
  /** A token came from the shared (cross-process) cache instead of a mint: for shared-cache code to call. */
  sharedHit?(id: string): void;
}

export interface TokenCacheOptions {
  clock: Clock;
  logger: Logger;
  /** Upper bound on cached tokens; the oldest entries go first. Default 10000. */
  maxEntries?: number;
  /** Hooks for metrics. */
  events?: TokenCacheEvents;
}

interface Entry {
  readonly token: AccessToken;
  /**
   * Monotonic ms from which a call starts a background refresh; never after
   * the token's expiry, so `now < refreshAt` alone proves the token valid.
   */
  refreshAt: number;
  /** Failed background refreshes of this token in a row (drives the backoff). */
  failures: number;
}

/** One token request shared by every caller of an identity (single flight). */
class Flight {
  /**
   * Set when the identity is invalidated while the request runs: the callers
   * already waiting get its result, the cache never does (SPEC section 3).
   */
  detached = false;
  readonly promise: Promise<AccessToken>;

  constructor(run: (flight: Flight) => Promise<AccessToken>) {
    this.promise = run(this);
  }
}

/**
 * The in-memory token cache (SPEC section 3, "Token lifecycle").
 *
 * - A token is handed out at once while it is valid. Once it enters its
 *   refresh window (`refreshBeforeExpiry`, at most half its lifetime), the
 *   first call starts one background refresh and every call keeps getting
 *   the valid token; callers wait only when no valid token exists.
 * - Concurrent mints of an identity share one request (single flight).
 * - A failed background refresh logs one warning and is retried with backoff
 *   ({@link refreshBackoffMs}) while the old token is served; once it has
 *   expired, the next caller's mint surfaces the failure.
 * - Storm bound: at most one background refresh is in flight per identity,
 *   it starts when min(`refreshBeforeExpiry`, half the lifetime) is left
 *   ({@link refreshDueAt}, the rule the shared cache uses too), and
 *   a token the server hands back unchanged is not refreshed ahead again
 *   (google-auth-library-python #581): a server issuing lifetimes S gets at
 *   most one request per S/2, one handing back the same token at most two
 *   per token lifetime.
 * - {@link invalidate} can be conditional on the token a caller saw, and a
 *   mint in flight during an invalidation never fills the cache.
 *
 * Time is monotonic ({@link Clock}). Nothing is ever persisted.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Flight>();
  /** Identities warned about a refresh margin not shorter than the lifetime (least recently warned go first). */
  /** Made at the first clamped lifetime (an LRU of `max` preallocates its arrays: not at start-up). */
  #warnedClamp: LRUCache<string, true> | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #max: number;
  readonly #events: TokenCacheEvents;

  constructor(options: TokenCacheOptions) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
    this.#events = options.events ?? {};
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached token for `id` while it is valid (starting a background
   * refresh in its refresh window), else a fresh one from `mint`.
   * @param label names the credential in warnings and errors (never the token).
   * @param minValidityMs the least remaining life the caller accepts; a token
   *   with less is not handed out (`ERR_TOKEN_LIFETIME_TOO_SHORT` when even a
   *   new one has less).
   */
  get(
    id: string,
    policy: CachePolicy,
    mint: () => Promise<AccessToken>,
    label: string,
    minValidityMs = 0,
  ): Promise<AccessToken> {
    if (!policy.enabled) {
      this.#events.miss?.(id);
      return minValidityMs > 0 ? this.#checked(mint(), label, minValidityMs) : mint();
    }
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      const now = this.#clock.now();
      if (minValidityMs === 0 && now < entry.refreshAt) {
        this.#events.hit?.(id);
        return Promise.resolve(entry.token);
      }
      const left = entry.token.expiresAtMono - now;
      if (left > 0 && left >= minValidityMs) {
        if (now >= entry.refreshAt) this.#refreshAhead(id, policy, mint, label, entry);
        this.#events.hit?.(id);
        return Promise.resolve(entry.token);
      }
      if (left <= 0) this.#entries.delete(id);
    }
    this.#events.miss?.(id);
    const flight = this.#inflight.get(id) ?? this.#start(id, policy, mint, label);
    return minValidityMs > 0 ? this.#checked(flight.promise, label, minValidityMs) : flight.promise;
  }

  /**
   * The cached token of `id` while it is valid and needs no refresh to be
   * started (a refresh may already run), without minting; else `undefined`.
   */
  peek(id: string): AccessToken | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && this.#clock.now() < entry.refreshAt ? entry.token : undefined;
  }

  /**
   * Drops the cached token of `id`, e.g. after the API answered 401. With
   * `token`, only if the cached token is still that one: callers that all
   * saw the same rejected token drop it once, never each other's fresh one.
   * A mint in flight when a token is dropped is detached: its waiting
   * callers get its result, the cache does not.
   * @returns whether a token was dropped.
   */
  invalidate(id: string, token?: string): boolean {
    const entry = this.#entries.get(id);
    if (token !== undefined && entry?.token.token !== token) return false;
    this.#detach(id);
    return this.#entries.delete(id);
  }

  /** Drops every cached token whose id starts with `prefix` (all with no prefix), detaching their mints. */
  clear(prefix = ''): void {
    for (const id of this.#inflight.keys()) if (id.startsWith(prefix)) this.#detach(id);
    if (!prefix) {
      this.#entries.clear();
      return;
    }
    for (const id of this.#entries.keys()) if (id.startsWith(prefix)) this.#entries.delete(id);
  }

  #detach(id: string): void {
    const flight = this.#inflight.get(id);
    if (flight === undefined) return;
    flight.detached = true;
    this.#inflight.delete(id);
  }

  #start(id: string, policy: CachePolicy, mint: () => Promise<AccessToken>, label: string): Flight {
    const flight = new Flight((self) =>
      mint()
        .then((token) => {
          if (!self.detached) this.#store(id, token, policy, label);
          return token;
        })
        .finally(() => {
          if (this.#inflight.get(id) === self) this.#inflight.delete(id);
        }),
    );
    this.#inflight.set(id, flight);
    return flight;
  }

  /** Starts one background refresh of a valid token; nobody waits for it. */
  #refreshAhead(id: string, policy: CachePolicy, mint: () => Promise<AccessToken>, label: string, entry: Entry): void {
    if (this.#inflight.has(id)) return;
    // Until it settles, calls take the fast path (and peek() hits) up to expiry.
    entry.refreshAt = entry.token.expiresAtMono;
    const flight = this.#start(id, policy, mint, label);
    flight.promise.catch((err: unknown) => {
      if (flight.detached || this.#entries.get(id) !== entry) return;
      const now = this.#clock.now();
      const left = entry.token.expiresAtMono - now;
      if (left <= 0) return; // expired meanwhile: the next caller mints and sees the failure
      const pause = refreshBackoffMs(entry.failures);
      entry.failures++;
      entry.refreshAt = Math.min(entry.token.expiresAtMono, now + pause);
      this.#events.refreshFailed?.(id, err);
      // One warning per failed refresh, however many callers are being served meanwhile.
      this.#logger.warn(
        `credential '${label}': token refresh failed (${(err as Error).message}); serving the cached token, valid ${Math.round(left / 1000)} s more; next try in ${Math.round(pause / 1000)} s`,
      );
    });
  }

  #checked(p: Promise<AccessToken>, label: string, minValidityMs: number): Promise<AccessToken> {
    return p.then((token) => {
      const left = token.expiresAtMono - this.#clock.now();
      if (left < minValidityMs) throw lifetimeTooShort(label, left, minValidityMs);
      return token;
    });
  }

  #store(id: string, token: AccessToken, policy: CachePolicy, label: string): void {
    const now = this.#clock.now();
    const life = token.expiresAtMono - now;
    if (token.expiresIn <= 0 || life <= 0) return; // already expired: hand it out once, never cache it
    const previous = this.#entries.get(id);
    let refreshAt: number;
    if (previous?.token.token === token.token) {
      // The server handed back the token we hold: asking again before it
      // expires would get it again (google-auth-library-python #581).
      refreshAt = token.expiresAtMono;
    } else {
      // A margin at least as long as the lifetime is a mistake worth a warning; any margin over half the lifetime is capped.
      if (policy.refreshBeforeMs >= token.expiresIn * 1000) this.#warnClamp(id, policy, token, label);
      refreshAt = Math.max(now, refreshDueAt(token, policy.refreshBeforeMs));
    }
    this.#entries.delete(id);
    this.#entries.set(id, { token, refreshAt, failures: 0 });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  #warnClamp(id: string, policy: CachePolicy, token: AccessToken, label: string): void {
    this.#warnedClamp ??= new LRUCache({ max: this.#max });
    if (this.#warnedClamp.has(id)) return;
    this.#warnedClamp.set(id, true);
    this.#logger.warn(
      `credential '${label}': refreshBeforeExpiry (${policy.refreshBeforeMs / 1000} s) is not shorter than the token lifetime (${token.expiresIn} s); refreshing at half the lifetime instead`,
    );
  }
}
