import { LRUCache } from 'lru-cache';
import type { Clock, Logger } from '../../clock.js';
import type { AccessToken } from '../../token/access-token.js';
import { refreshDueAt } from '../refresh-time.js';
import type { CachePolicy } from '../token-cache.js';
import { MAX_REMEMBERED_IDENTITIES } from './invalidations.js';
import type { SharedCache } from './shared-cache.js';
import { SharedCacheEntryError, SharedCacheKeyMismatchError } from './shared-cache-errors.js';
import type { SharedToken, TokenSealer } from './token-envelope.js';

/** What reading an identity's entry found. */
export type EntryRead = { kind: 'hit'; token: AccessToken } | { kind: 'miss' } | { kind: 'other-key' };

/** What a reader accepts of an entry, besides it being sealed for the identity with this key. */
export interface EntryWanted {
  policy: CachePolicy;
  /** Least remaining life (ms) the caller accepts. */
  minValidityMs: number;
  /** The token this process was told was refused, if any: never taken. */
  refused: string | undefined;
  /** The token this process's in-memory cache holds, if any: not taken again inside its refresh window. */
  handed: string | undefined;
}

/**
 * The sealed entries of the shared store: read, judged, written and
 * dropped. Entries sealed with another key or unreadable are never opened
 * and never handed out; each is warned about once (another key: once per
 * process).
 */
export class SharedEntries {
  readonly #cache: SharedCache;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #warnedOtherKey = false;
  readonly #warnedEntries = new LRUCache<string, true>({ max: MAX_REMEMBERED_IDENTITIES });

  constructor(options: { cache: SharedCache; clock: Clock; logger: Logger }) {
    this.#cache = options.cache;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /** The entry of `id` at `entryKey`, judged against what the caller wants. Store failures throw. */
  async read(id: string, entryKey: string, sealer: TokenSealer, wanted: EntryWanted): Promise<EntryRead> {
    const envelope = await this.#cache.get(entryKey);
    if (envelope === undefined) return { kind: 'miss' };
    const opened = sealer.open(id, envelope);
    if (opened === 'other-key') {
      if (!this.#warnedOtherKey) {
        this.#warnedOtherKey = true;
        const e = new SharedCacheKeyMismatchError(this.#cache.description);
        this.#logger.warn(`${e.message} [${e.code}]`);
      }
      return { kind: 'other-key' };
    }
    if (opened === 'invalid') {
      this.#warnEntry(entryKey, 'not a token sealed for this credential with this key');
      return { kind: 'miss' };
    }
    if (opened.token === wanted.refused) return { kind: 'miss' };
    const token = this.#toAccessToken(opened);
    const now = this.#clock.now();
    const left = token.expiresAtMono - now;
    if (left <= 0 || left < wanted.minValidityMs) return { kind: 'miss' };
    // The same window the in-memory cache uses (refreshDueAt): inside it, the token is due for a refresh.
    // A token due for a refresh still serves a process that has no newer one (it then refreshes
    // it under the lock on its next call); the process refreshing that very token needs a new one.
    if (now >= refreshDueAt(token, wanted.policy.refreshBeforeMs) && opened.token === wanted.handed) {
      return { kind: 'miss' };
    }
    return { kind: 'hit', token };
  }

  /**
   * Writes `token` sealed for `id`, expiring with it; an expired token is
   * not written (`false`). Store failures throw.
   */
  async write(id: string, entryKey: string, sealer: TokenSealer, token: AccessToken): Promise<boolean> {
    const expiresAt = token.expiresAt.getTime();
    const ttl = Math.floor(expiresAt - this.#clock.wallNow());
    if (token.expiresIn <= 0 || ttl <= 0) return false;
    const envelope = sealer.seal(id, {
      token: token.token,
      tokenType: token.tokenType,
      expiresIn: token.expiresIn,
      expiresAt,
      ...(token.scopes ? { scopes: token.scopes } : {}),
    });
    await this.#cache.set(entryKey, envelope, ttl);
    return true;
  }

  /** Deletes the entry of `id`: with `token`, only if it still holds that token (atomically, `deleteIf`). */
  async drop(
    id: string,
    entryKey: string,
    sealer: () => Promise<TokenSealer>,
    token: string | undefined,
  ): Promise<void> {
    if (token === undefined) return this.#cache.delete(entryKey);
    const envelope = await this.#cache.get(entryKey);
    if (envelope === undefined) return;
    const opened = (await sealer()).open(id, envelope);
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

  #warnEntry(entryKey: string, reason: string): void {
    if (this.#warnedEntries.has(entryKey)) return;
    this.#warnedEntries.set(entryKey, true);
    const e = new SharedCacheEntryError(this.#cache.description, reason);
    this.#logger.warn(`${e.message} [${e.code}]`);
  }
}
