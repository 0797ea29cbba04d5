import type { Clock, Logger } from '../../clock.js';
import { SharedCacheUnavailableError } from './shared-cache-errors.js';

/** After a failure, the shared cache is left alone this long before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 1000;
/**
 * A failure this soon after the store came back belongs to the same outage
 * and is not warned about again: a Redis Cluster with one master down
 * answers for the other masters' slots while it fails for that one's, and
 * a Sentinel failover comes and goes for seconds.
 */
const SAME_OUTAGE_MS = 60_000;

/**
 * Whether the shared store is worth asking, and the one warning per outage:
 * after a failure the store is left alone for a second (calls mint in this
 * process meanwhile); after it answers again, a later failure warns again,
 * unless it comes within a minute of the last warning (the same outage).
 */
export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #description: () => string;
  /** Monotonic ms before which the store is not tried (it failed); 0 while it answers. */
  #retryAt = 0;
  #down = false;
  /** Monotonic ms of the last warning about an outage (undefined: none yet). */
  #warnedAt: number | undefined;

  /** @param options.description names the store in the warning. */
  constructor(options: { clock: Clock; logger: Logger; description: () => string }) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#description = options.description;
  }

  /** Whether the store failed less than a second ago: it is not asked now. */
  get open(): boolean {
    return this.#clock.now() < this.#retryAt;
  }

  /** The store answered: it is asked again from now on. */
  answered(): void {
    this.#down = false;
    this.#retryAt = 0;
  }

  /** The store failed with `err`: left alone for a second, with one warning per outage. */
  failed(err: unknown): void {
    const now = this.#clock.now();
    this.#retryAt = now + RETRY_AFTER_FAILURE_MS;
    if (this.#down) return;
    this.#down = true;
    if (this.#warnedAt !== undefined && now - this.#warnedAt < SAME_OUTAGE_MS) return;
    this.#warnedAt = now;
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 200);
    const e =
      err instanceof SharedCacheUnavailableError ? err : new SharedCacheUnavailableError(this.#description(), reason);
    this.#logger.warn(`${e.message} [${e.code}]`);
  }
}
