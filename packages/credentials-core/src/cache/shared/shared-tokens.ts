import type { Clock, Logger } from '../../clock.js';
import type { AccessToken } from '../../token/access-token.js';
import type { CachePolicy } from '../token-cache.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { sealerOf } from './encryption-key.js';
import { HandedTokens } from './handed-tokens.js';
import { identityKeys } from './identity-keys.js';
import { Invalidations } from './invalidations.js';
import { LockProtocol } from './lock-protocol.js';
import type { SharedCache } from './shared-cache.js';
import type { SharedCacheOptions } from './shared-cache-options.js';
import { SharedEntries } from './shared-entries.js';
import type { TokenSealer } from './token-envelope.js';

/**
 * The shared layer behind the in-memory {@link TokenCache} (SPEC section 8):
 * what the in-memory cache calls instead of minting. The cross-process
 * protocol is the {@link LockProtocol}; this class holds what one process
 * keeps of it: the encryption key, the {@link CircuitBreaker}, the
 * {@link Invalidations} and the {@link HandedTokens}.
 *
 * - Conditional invalidation across processes: the entry is deleted only if
 *   it still holds the refused token (`deleteIf` on the envelope that held
 *   it), and this process never takes that token from the store again.
 * - A failing or slow store: the call mints in this process, one warning is
 *   logged, and the store is tried again a second later. A missing or
 *   malformed key is an error; entries sealed with another key or
 *   unreadable are never opened and never handed out.
 */
export class SharedTokens {
  readonly #cache: SharedCache;
  readonly #prefix: string;
  readonly #sealer: () => Promise<TokenSealer>;
  readonly #breaker: CircuitBreaker;
  readonly #entries: SharedEntries;
  readonly #invalidations = new Invalidations();
  readonly #handed = new HandedTokens();
  readonly #protocol: LockProtocol;

  constructor(options: SharedCacheOptions, context: { clock: Clock; logger: Logger; onHit?: (id: string) => void }) {
    const { clock, logger } = context;
    this.#cache = options.cache;
    this.#prefix = options.keyPrefix ?? 'credflow:';
    this.#sealer = sealerOf(options.encryptionKey);
    this.#breaker = new CircuitBreaker({ clock, logger, description: () => this.description });
    this.#entries = new SharedEntries({ cache: options.cache, clock, logger });
    this.#protocol = new LockProtocol({
      cache: options.cache,
      clock,
      entries: this.#entries,
      breaker: this.#breaker,
      invalidations: this.#invalidations,
      handed: this.#handed,
      lockTtlMs: positive(options.lockTtlMs, 10_000),
      waitTimeoutMs: positive(options.waitTimeoutMs, 15_000),
      onHit: context.onHit,
    });
  }

  /** Names the store in messages. */
  get description(): string {
    return this.#cache.description;
  }

  /**
   * A token for identity `id`: another process's from the store, else one
   * minted under the identity's lock (or, with the store unavailable, here).
   */
  async fill(
    id: string,
    policy: CachePolicy,
    mint: () => Promise<AccessToken>,
    minValidityMs: number,
  ): Promise<AccessToken> {
    if (!policy.enabled) return mint();
    const sealer = await this.#sealer();
    const pending = this.#invalidations.running(id);
    if (pending !== undefined) await pending;
    if (this.#breaker.open) return this.#handed.hand(id, await mint());
    const epoch = this.#invalidations.epoch(id);
    return this.#protocol.fill({
      id,
      keys: identityKeys(this.#prefix, id),
      sealer,
      policy,
      minValidityMs,
      mint,
      epoch,
    });
  }

  /**
   * Drops identity `id` from the store: with `token`, only if the entry
   * still holds that token. Runs in the background; the next
   * {@link fill} of `id` in this process waits for it.
   */
  invalidate(id: string, token?: string): void {
    this.#invalidations.invalidated(id, token);
    if (this.#breaker.open) return;
    const drop = this.#entries.drop(id, identityKeys(this.#prefix, id).entry, this.#sealer, token);
    this.#invalidations.track(
      id,
      drop.then(
        () => this.#breaker.answered(),
        (err: unknown) => this.#breaker.failed(err),
      ),
    );
  }

  /** Closes the store's connections. */
  async close(): Promise<void> {
    await this.#invalidations.settled();
    await this.#cache.close?.();
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
