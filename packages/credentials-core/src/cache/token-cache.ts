import type { Clock, Logger } from '../clock.js';
import type { AccessToken } from '../token/access-token.js';

/** How one credential is cached. */
export interface CachePolicy {
  enabled: boolean;
  /** Refresh this many ms before expiry. */
  refreshBeforeMs: number;
}

export interface TokenCacheOptions {
  clock: Clock;
  logger: Logger;
  /** Upper bound on cached tokens; the oldest entries go first. Default 10000. */
  maxEntries?: number;
}

/** After a failed refresh, the old token is served this long before the next try. */
const RETRY_PAUSE_MS = 5000;

interface Entry {
  token: AccessToken;
  /** Monotonic ms after which a call mints a new token. */
  refreshAt: number;
}

/**
 * The in-memory token cache. Tokens are kept per credential identity and
 * handed out while their remaining life exceeds the refresh margin; then a
 * new one is minted, with concurrent callers sharing one request (single
 * flight). If that refresh fails while the old token is still valid, the old
 * token is served and a warning logged. Time is monotonic. Nothing is ever
 * persisted.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<AccessToken>>();
  readonly #warnedClamp = new Set<string>();
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #max: number;

  constructor(options: TokenCacheOptions) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached token for `id`, or a fresh one from `mint`.
   * @param label names the credential in warnings (never the token).
   */
  get(id: string, policy: CachePolicy, mint: () => Promise<AccessToken>, label: string): Promise<AccessToken> {
    if (!policy.enabled) return mint();
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      const now = this.#clock.now();
      if (now < entry.refreshAt) return Promise.resolve(entry.token);
      if (now < entry.token.expiresAtMono) return this.#refresh(id, policy, mint, label, entry);
      this.#entries.delete(id);
    }
    return this.#refresh(id, policy, mint, label, undefined);
  }

  /** The cached token of `id` while it needs no refresh, without minting; `undefined` otherwise. */
  peek(id: string): AccessToken | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && this.#clock.now() < entry.refreshAt ? entry.token : undefined;
  }

  /** Drops the cached token of `id` (e.g. after the API answered 401). */
  delete(id: string): boolean {
    return this.#entries.delete(id);
  }

  /** Drops every cached token whose id starts with `prefix` (all with no prefix). */
  clear(prefix = ''): void {
    if (!prefix) {
      this.#entries.clear();
      return;
    }
    for (const id of this.#entries.keys()) if (id.startsWith(prefix)) this.#entries.delete(id);
  }

  #refresh(
    id: string,
    policy: CachePolicy,
    mint: () => Promise<AccessToken>,
    label: string,
    stale: Entry | undefined,
  ): Promise<AccessToken> {
    let pending = this.#inflight.get(id);
    if (pending === undefined) {
      pending = mint()
        .then((token) => {
          this.#store(id, token, policy, label);
          return token;
        })
        .finally(() => this.#inflight.delete(id));
      this.#inflight.set(id, pending);
    }
    if (stale === undefined) return pending;
    return pending.catch((err: unknown) => {
      const now = this.#clock.now();
      if (now < stale.token.expiresAtMono) {
        // Wait a little before the next attempt, so a down server is not hammered.
        stale.refreshAt = Math.min(stale.token.expiresAtMono, now + RETRY_PAUSE_MS);
        const left = Math.round((stale.token.expiresAtMono - now) / 1000);
        this.#logger.warn(
          `credential '${label}': token refresh failed (${(err as Error).message}); serving the cached token, valid ${left} s more`,
        );
        return stale.token;
      }
      throw err;
    });
  }

  #store(id: string, token: AccessToken, policy: CachePolicy, label: string): void {
    const lifetime = token.expiresIn * 1000;
    if (lifetime <= 0) return; // already expired: hand it out once, never cache it
    let margin = policy.refreshBeforeMs;
    if (margin >= lifetime) {
      margin = lifetime / 2;
      if (!this.#warnedClamp.has(id)) {
        if (this.#warnedClamp.size >= this.#max) this.#warnedClamp.clear();
        this.#warnedClamp.add(id);
        this.#logger.warn(
          `credential '${label}': refreshBeforeExpiry (${policy.refreshBeforeMs / 1000} s) is not shorter than the token lifetime (${token.expiresIn} s); refreshing at half the lifetime instead`,
        );
      }
    }
    this.#entries.delete(id);
    this.#entries.set(id, { token, refreshAt: token.expiresAtMono - margin });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
