import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../clock.js';
import type { AccessToken } from '../../token/access-token.js';
import type { CachePolicy } from '../token-cache.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { HandedTokens } from './handed-tokens.js';
import type { IdentityKeys } from './identity-keys.js';
import type { Invalidations } from './invalidations.js';
import type { SharedCache } from './shared-cache.js';
import type { EntryRead, SharedEntries } from './shared-entries.js';
import type { TokenSealer } from './token-envelope.js';

/** First and longest pause between polls of a waiter. */
const POLL_FIRST_MS = 20;
const POLL_MAX_MS = 250;

/** One call that needs a token of one identity from the shared store, or minted under its lock. */
export interface LockedFill {
  /** The credential identity (the store's cache id). */
  id: string;
  keys: IdentityKeys;
  sealer: TokenSealer;
  policy: CachePolicy;
  /** Least remaining life (ms) the caller accepts. */
  minValidityMs: number;
  /** Mints a token in this process. */
  mint: () => Promise<AccessToken>;
  /** The identity's invalidation epoch when the call started: a mint invalidated meanwhile is not written. */
  epoch: number;
}

/** What the lock protocol works with: the store, and this process's memory of it. */
export interface LockProtocolOptions {
  cache: SharedCache;
  clock: Clock;
  entries: SharedEntries;
  breaker: CircuitBreaker;
  invalidations: Invalidations;
  handed: HandedTokens;
  /** A lock holder that died releases its lock after this long (ms). */
  lockTtlMs: number;
  /** Longest a caller waits for another process's mint before minting itself (ms). */
  waitTimeoutMs: number;
  /** Counts a token another process shared. */
  onHit?: ((id: string) => void) | undefined;
}

/**
 * The cross-process protocol of the shared cache (SPEC section 8), for one
 * call:
 *
 * - A token another process put there is taken while it is outside its
 *   refresh window (and has the `minValidity` asked for).
 * - Otherwise one process takes the identity's lock (`setIfAbsent` with a
 *   random owner), reads again (another process may have written between),
 *   mints, writes the sealed token with a TTL ending at its expiry, and
 *   releases the lock only if it still owns it (`deleteIf`).
 * - The others poll with a growing, jittered pause until the new token
 *   appears, the lock frees up (its holder died: one of them takes it
 *   over) or `waitTimeoutMs` passes (then each mints itself).
 * - A store failure: the call mints in this process (the
 *   {@link CircuitBreaker} warns and keeps the store alone for a while);
 *   an entry sealed with another key is never overwritten.
 */
export class LockProtocol {
  readonly #o: LockProtocolOptions;

  constructor(options: LockProtocolOptions) {
    this.#o = options;
  }

  /** A token for `call`: another process's, or one minted here (under the lock when it is free). */
  async fill(call: LockedFill): Promise<AccessToken> {
    const { cache, clock, breaker, handed } = this.#o;
    const deadline = clock.now() + this.#o.waitTimeoutMs;
    let pause = POLL_FIRST_MS;
    for (;;) {
      let owner: string | undefined;
      try {
        const read = await this.#read(call);
        if (read.kind === 'hit') return this.#hit(call.id, read.token);
        if (read.kind === 'other-key') return handed.hand(call.id, await call.mint()); // never overwrite another key's entry
        owner = randomBytes(16).toString('base64url');
        if (!(await cache.setIfAbsent(call.keys.lock, owner, this.#o.lockTtlMs))) owner = undefined;
        breaker.answered();
      } catch (err) {
        breaker.failed(err);
        return handed.hand(call.id, await call.mint());
      }
      if (owner !== undefined) return this.#mintLocked(call, owner);
      if (clock.now() >= deadline) {
        // The holder is slow or stuck: mint here rather than wait longer (bounded wait).
        const token = await call.mint();
        await this.#write(call, token);
        return handed.hand(call.id, token);
      }
      // Jitter, so waiters of one identity do not poll in step.
      await sleep(pause * (0.75 + Math.random() / 2));
      pause = Math.min(POLL_MAX_MS, pause * 1.5);
    }
  }

  /** Mints holding the lock (`owner`), writes the token, and releases the lock if it is still ours. */
  async #mintLocked(call: LockedFill, owner: string): Promise<AccessToken> {
    const { cache, breaker } = this.#o;
    try {
      // Another process may have written between our read and our lock.
      try {
        const again = await this.#read(call);
        if (again.kind === 'hit') return this.#hit(call.id, again.token);
      } catch (err) {
        breaker.failed(err);
      }
      const token = await call.mint();
      this.#o.invalidations.minted(call.id, token.token);
      await this.#write(call, token);
      return this.#o.handed.hand(call.id, token);
    } finally {
      cache.deleteIf(call.keys.lock, owner).then(
        () => breaker.answered(),
        (err: unknown) => breaker.failed(err),
      );
    }
  }

  #read(call: LockedFill): Promise<EntryRead> {
    return this.#o.entries.read(call.id, call.keys.entry, call.sealer, {
      policy: call.policy,
      minValidityMs: call.minValidityMs,
      refused: this.#o.invalidations.refused(call.id),
      handed: this.#o.handed.get(call.id),
    });
  }

  /** A token another process shared: remembered as handed, counted (`credflow.token.shared_cache_hits`), returned. */
  #hit(id: string, token: AccessToken): AccessToken {
    this.#o.handed.hand(id, token);
    this.#o.onHit?.(id);
    return token;
  }

  /** Writes a token minted here, unless the identity was invalidated since the call started (SPEC section 3). */
  async #write(call: LockedFill, token: AccessToken): Promise<void> {
    if (this.#o.invalidations.epoch(call.id) !== call.epoch) return;
    try {
      if (await this.#o.entries.write(call.id, call.keys.entry, call.sealer, token)) this.#o.breaker.answered();
    } catch (err) {
      this.#o.breaker.failed(err);
    }
  }
}
