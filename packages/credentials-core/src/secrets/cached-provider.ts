import { type Clock, systemClock } from '../clock.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

interface Entry {
  value: string | undefined;
  /** Monotonic ms after which the entry is read again. */
  expires: number;
}

/**
 * A provider's values kept in memory for `ttlMs` (SPEC section 2,
 * `cacheTtl`, default PT1M; 0 keeps nothing), never persisted. Concurrent
 * reads of one name from one scope share one request (single flight); a
 * `fresh` read skips
 * the cache and its result replaces the entry. "Not held here" is cached too,
 * so a name found in a later provider does not cost a request to this one
 * each time. Errors are not cached.
 */
export class CachedSecretProvider implements SecretProvider {
  readonly description: string;
  readonly #inner: SecretProvider;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  /**
   * Reads in flight, by scope and name: a caller only ever waits on a read
   * its own scope started, so a failure it is told names its own scope.
   */
  readonly #pending = new Map<string, Promise<string | undefined>>();

  constructor(inner: SecretProvider, ttlMs: number, clock: Clock = systemClock) {
    this.#inner = inner;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
    this.description = inner.description;
  }

  get(name: string, options: SecretReadOptions = {}): Promise<string | undefined> {
    if (!options.fresh) {
      const hit = this.#entries.get(name);
      if (hit !== undefined && hit.expires > this.#clock.now()) return Promise.resolve(hit.value);
      const pending = this.#pending.get(pendingKey(name, options.scope));
      if (pending !== undefined) return pending;
    }
    const key = pendingKey(name, options.scope);
    const started = this.#clock.now();
    const read = this.#inner
      .get(name, options)
      .then((value) => {
        if (this.#ttlMs > 0) this.#entries.set(name, { value, expires: started + this.#ttlMs });
        else this.#entries.delete(name);
        return value;
      })
      .finally(() => {
        if (this.#pending.get(key) === read) this.#pending.delete(key);
      });
    this.#pending.set(key, read);
    return read;
  }

  list(): Promise<string[]> {
    return this.#inner.list?.() ?? Promise.resolve([]);
  }

  /** Forgets every cached value. */
  clear(): void {
    this.#entries.clear();
  }
}

/** The key of a read in flight: the scope that asked, and the secret's name. */
const pendingKey = (name: string, scope: string | undefined) => `${scope ?? ''}\u0000${name}`;
