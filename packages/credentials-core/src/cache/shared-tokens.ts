import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Logger } from '../clock.js';
import type { AccessToken } from '../token/access-token.js';
import { refreshDueAt } from './refresh-time.js';
import type { SharedCache } from './shared-cache.js';
import {
  SharedCacheEntryError,
  SharedCacheKeyError,
  SharedCacheKeyMismatchError,
  SharedCacheUnavailableError,
} from './shared-cache-errors.js';
import type { CachePolicy } from './token-cache.js';
import { identityHash, type SharedToken, TokenSealer } from './token-envelope.js';

/** How a store uses a {@link SharedCache} (store option `sharedCache`). */
export interface SharedCacheOptions {
  /** Where tokens are shared, e.g. a {@link RedisSharedCache}, or the host's own implementation. */
  cache: SharedCache;
  /**
   * 32 random bytes, or them in base64 (`openssl rand -base64 32`), or a
   * function reading them (from a secret store) on first use. Every process
   * sharing `cache` must use the same key.
   */
  encryptionKey: Uint8Array | string | (() => Promise<Uint8Array | string>);
  /** A lock holder that died releases its lock after this long (ms, default 10,000). */
  lockTtlMs?: number;
  /** Longest a caller waits for another process's mint before minting itself (ms, default 15,000). */
  waitTimeoutMs?: number;
  /** Prefix of every key written (default `credflow:`). */
  keyPrefix?: string;
}

/** After a failure, the shared cache is left alone this long before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 1000;
/**
 * A failure this soon after the store came back belongs to the same outage
 * and is not warned about again: a Redis Cluster with one master down
 * answers for the other masters' slots while it fails for that one's, and
 * a Sentinel failover comes and goes for seconds.
 */
const SAME_OUTAGE_MS = 60_000;
/** First and longest pause between polls of a waiter. */
const POLL_FIRST_MS = 20;
const POLL_MAX_MS = 250;
/** Most identities remembered (rejected tokens, invalidation epochs) before the memo starts over. */
const MAX_REMEMBERED = 10_000;

type Read = { kind: 'hit'; token: AccessToken } | { kind: 'miss' } | { kind: 'other-key' };

/**
 * The shared layer behind the in-memory {@link TokenCache} (SPEC section 8):
 * what the in-memory cache calls instead of minting.
 *
 * - A token another process put there is taken while it is outside its
 *   refresh window (and has the `minValidity` asked for).
 * - Otherwise one process takes the identity's lock (`setIfAbsent` with a
 *   random owner), mints, writes the sealed token with a TTL ending at its
 *   expiry, and releases the lock only if it still owns it (`deleteIf`).
 *   The others poll with a growing pause until the new token appears, the
 *   lock frees up (its holder died: one of them takes it over) or
 *   `waitTimeoutMs` passes (then each mints itself).
 * - Conditional invalidation across processes: the entry is deleted only if
 *   it still holds the refused token (`deleteIf` on the envelope that held
 *   it), and this process never takes that token from the store again.
 * - A failing or slow store: the call mints in this process, one warning is
 *   logged, and the store is tried again a second later; after it answers,
 *   a later failure warns again, unless it comes within a minute of the
 *   last warning (the same outage: a Cluster with one master down, a
 *   Sentinel failover in progress). A missing or malformed key is an error;
 *   entries sealed with another key or unreadable are never opened and
 *   never handed out.
 */
export class SharedTokens {
  readonly #cache: SharedCache;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #lockTtlMs: number;
  readonly #waitTimeoutMs: number;
  readonly #prefix: string;
  readonly #keySource: SharedCacheOptions['encryptionKey'];
  #sealer: Promise<TokenSealer> | undefined;
  /** Monotonic ms before which the store is not tried (it failed); 0 while it answers. */
  #retryAt = 0;
  #down = false;
  /** Monotonic ms of the last warning about an outage (undefined: none yet). */
  #warnedAt: number | undefined;
  #warnedOtherKey = false;
  readonly #warnedEntries = new Set<string>();
  /** Tokens this process was told were refused, per identity: never taken from the store again. */
  readonly #rejected = new Map<string, string>();
  /** Bumped by every invalidation: a mint started before it does not fill the store. */
  readonly #epochs = new Map<string, number>();
  readonly #invalidations = new Map<string, Promise<void>>();
  /** The token last handed to this process's in-memory cache, per identity. */
  readonly #handed = new Map<string, string>();

  readonly #onHit: ((id: string) => void) | undefined;

  constructor(options: SharedCacheOptions, context: { clock: Clock; logger: Logger; onHit?: (id: string) => void }) {
    this.#onHit = context.onHit;
    this.#cache = options.cache;
    this.#keySource = options.encryptionKey;
    this.#clock = context.clock;
    this.#logger = context.logger;
    this.#lockTtlMs = positive(options.lockTtlMs, 10_000);
    this.#waitTimeoutMs = positive(options.waitTimeoutMs, 15_000);
    this.#prefix = options.keyPrefix ?? 'credflow:';
  }

  /** Names the store in messages. */
  get description(): string {
    return this.#cache.description;
  }

  /**
   * A token for identity `id`: another process's from the store, else one
   * minted under the identity's lock (or, with the store unavailable, here).
   */
  /** A token another process shared: counted (`credflow.token.shared_cache_hits`), then handed out. */
  #hit(id: string, token: AccessToken): AccessToken {
    this.#onHit?.(id);
    return token;
  }

  async fill(
    id: string,
    policy: CachePolicy,
    mint: () => Promise<AccessToken>,
    minValidityMs: number,
  ): Promise<AccessToken> {
    if (!policy.enabled) return mint();
    const sealer = await this.#key();
    const pending = this.#invalidations.get(id);
    if (pending !== undefined) await pending;
    if (this.#clock.now() < this.#retryAt) return this.#hand(id, await mint());
    const epoch = this.#epochs.get(id) ?? 0;
    const hash = identityHash(id);
    // The hash is a hash tag ({...}): in a Redis Cluster an identity's entry and lock share a slot (one master).
    const entryKey = `${this.#prefix}t:{${hash}}`;
    const lockKey = `${this.#prefix}l:{${hash}}`;
    const deadline = this.#clock.now() + this.#waitTimeoutMs;
    let pause = POLL_FIRST_MS;
    for (;;) {
      let owner: string | undefined;
      try {
        const read = await this.#read(id, entryKey, sealer, policy, minValidityMs);
        if (read.kind === 'hit') return this.#hit(id, read.token);
        if (read.kind === 'other-key') return this.#hand(id, await mint()); // never overwrite another key's entry
        owner = randomBytes(16).toString('base64url');
        if (!(await this.#cache.setIfAbsent(lockKey, owner, this.#lockTtlMs))) owner = undefined;
        this.#answered();
      } catch (err) {
        this.#failed(err);
        return this.#hand(id, await mint());
      }
      if (owner !== undefined)
        return this.#mintLocked(id, entryKey, lockKey, owner, sealer, policy, minValidityMs, mint, epoch);
      if (this.#clock.now() >= deadline) {
        // The holder is slow or stuck: mint here rather than wait longer (bounded wait).
        const token = await mint();
        await this.#write(id, entryKey, sealer, token, epoch);
        return this.#hand(id, token);
      }
      // Jitter, so waiters of one identity do not poll in step.
      await sleep(pause * (0.75 + Math.random() / 2));
      pause = Math.min(POLL_MAX_MS, pause * 1.5);
    }
  }

  /**
   * Drops identity `id` from the store: with `token`, only if the entry
   * still holds that token. Runs in the background; the next
   * {@link fill} of `id` in this process waits for it.
   */
  invalidate(id: string, token?: string): void {
    if (this.#epochs.size >= MAX_REMEMBERED) this.#epochs.clear();
    this.#epochs.set(id, (this.#epochs.get(id) ?? 0) + 1);
    if (token !== undefined) {
      if (this.#rejected.size >= MAX_REMEMBERED) this.#rejected.clear();
      this.#rejected.set(id, token);
    }
    if (this.#clock.now() < this.#retryAt) return;
    const run: Promise<void> = this.#drop(id, token)
      .then(() => this.#answered())
      .catch((err: unknown) => this.#failed(err))
      .finally(() => {
        if (this.#invalidations.get(id) === run) this.#invalidations.delete(id);
      });
    this.#invalidations.set(id, run);
  }

  /** Closes the store's connections. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#invalidations.values()]);
    await this.#cache.close?.();
  }

  async #mintLocked(
    id: string,
    entryKey: string,
    lockKey: string,
    owner: string,
    sealer: TokenSealer,
    policy: CachePolicy,
    minValidityMs: number,
    mint: () => Promise<AccessToken>,
    epoch: number,
  ): Promise<AccessToken> {
    try {
      // Another process may have written between our read and our lock.
      try {
        const again = await this.#read(id, entryKey, sealer, policy, minValidityMs);
        if (again.kind === 'hit') return this.#hit(id, again.token);
      } catch (err) {
        this.#failed(err);
      }
      const token = await mint();
      if (this.#rejected.get(id) === token.token) this.#rejected.delete(id); // the server says it is good again
      await this.#write(id, entryKey, sealer, token, epoch);
      return this.#hand(id, token);
    } finally {
      this.#cache.deleteIf(lockKey, owner).then(
        () => this.#answered(),
        (err: unknown) => this.#failed(err),
      );
    }
  }

  async #read(
    id: string,
    entryKey: string,
    sealer: TokenSealer,
    policy: CachePolicy,
    minValidityMs: number,
  ): Promise<Read> {
    const envelope = await this.#cache.get(entryKey);
    if (envelope === undefined) return { kind: 'miss' };
    const opened = sealer.open(id, envelope);
    if (opened === 'other-key') {
      if (!this.#warnedOtherKey) {
        this.#warnedOtherKey = true;
        const e = new SharedCacheKeyMismatchError(this.description);
        this.#logger.warn(`${e.message} [${e.code}]`);
      }
      return { kind: 'other-key' };
    }
    if (opened === 'invalid') {
      this.#warnEntry(entryKey, 'not a token sealed for this credential with this key');
      return { kind: 'miss' };
    }
    if (opened.token === this.#rejected.get(id)) return { kind: 'miss' };
    const token = this.#toAccessToken(opened);
    const now = this.#clock.now();
    const left = token.expiresAtMono - now;
    if (left <= 0 || left < minValidityMs) return { kind: 'miss' };
    // The same window the in-memory cache uses (refreshDueAt): inside it, the token is due for a refresh.
    // A token due for a refresh still serves a process that has no newer one (it then refreshes
    // it under the lock on its next call); the process refreshing that very token needs a new one.
    if (now >= refreshDueAt(token, policy.refreshBeforeMs) && opened.token === this.#handed.get(id)) {
      return { kind: 'miss' };
    }
    return { kind: 'hit', token: this.#hand(id, token) };
  }

  /** Remembers the token handed to the in-memory cache for `id`, and returns it. */
  #hand(id: string, token: AccessToken): AccessToken {
    if (this.#handed.size >= MAX_REMEMBERED) this.#handed.clear();
    this.#handed.set(id, token.token);
    return token;
  }

  async #write(id: string, entryKey: string, sealer: TokenSealer, token: AccessToken, epoch: number): Promise<void> {
    if ((this.#epochs.get(id) ?? 0) !== epoch) return; // invalidated while minting (SPEC section 3)
    const expiresAt = token.expiresAt.getTime();
    const ttl = Math.floor(expiresAt - this.#clock.wallNow());
    if (token.expiresIn <= 0 || ttl <= 0) return;
    const envelope = sealer.seal(id, {
      token: token.token,
      tokenType: token.tokenType,
      expiresIn: token.expiresIn,
      expiresAt,
      ...(token.scopes ? { scopes: token.scopes } : {}),
    });
    try {
      await this.#cache.set(entryKey, envelope, ttl);
      this.#answered();
    } catch (err) {
      this.#failed(err);
    }
  }

  async #drop(id: string, token: string | undefined): Promise<void> {
    const entryKey = `${this.#prefix}t:{${identityHash(id)}}`;
    if (token === undefined) return this.#cache.delete(entryKey);
    const envelope = await this.#cache.get(entryKey);
    if (envelope === undefined) return;
    const opened = (await this.#key()).open(id, envelope);
    if (typeof opened !== 'string' && opened.token === token) await this.#cache.deleteIf(entryKey, envelope);
  }

  #toAccessToken(t: SharedToken): AccessToken {
    return {
      token: t.token,
      tokenType: t.tokenType,
      expiresIn: t.expiresIn,
      expiresAt: new Date(t.expiresAt),
      ...(t.scopes ? { scopes: t.scopes } : {}),
      expiresAtMono: this.#clock.now() + (t.expiresAt - this.#clock.wallNow()),
    };
  }

  /** The sealer, made once from the key (a failed read is tried again on the next call). */
  #key(): Promise<TokenSealer> {
    this.#sealer ??= (async () => {
      const source = this.#keySource;
      const key = typeof source === 'function' ? await source() : source;
      return typeof key === 'string' ? TokenSealer.fromBase64(key) : new TokenSealer(key);
    })().catch((err: unknown) => {
      this.#sealer = undefined;
      throw err instanceof SharedCacheKeyError
        ? err
        : new SharedCacheKeyError('cannot read the encryption key', { cause: err });
    });
    return this.#sealer;
  }

  #answered(): void {
    this.#down = false;
    this.#retryAt = 0;
  }

  #failed(err: unknown): void {
    const now = this.#clock.now();
    this.#retryAt = now + RETRY_AFTER_FAILURE_MS;
    if (this.#down) return;
    this.#down = true;
    if (this.#warnedAt !== undefined && now - this.#warnedAt < SAME_OUTAGE_MS) return;
    this.#warnedAt = now;
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 200);
    const e =
      err instanceof SharedCacheUnavailableError ? err : new SharedCacheUnavailableError(this.description, reason);
    this.#logger.warn(`${e.message} [${e.code}]`);
  }

  #warnEntry(entryKey: string, reason: string): void {
    if (this.#warnedEntries.has(entryKey)) return;
    if (this.#warnedEntries.size >= MAX_REMEMBERED) this.#warnedEntries.clear();
    this.#warnedEntries.add(entryKey);
    const e = new SharedCacheEntryError(this.description, reason);
    this.#logger.warn(`${e.message} [${e.code}]`);
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
