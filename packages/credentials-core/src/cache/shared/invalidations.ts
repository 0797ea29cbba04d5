import { LRUCache } from 'lru-cache';

/** Most identities whose invalidations this process remembers (least recently used go first). */
export const MAX_REMEMBERED_IDENTITIES = 10_000;

/**
 * What this process remembers of invalidations, per identity: the token it
 * was told was refused (never taken from the store again until a mint here
 * returns it), an epoch bumped by every invalidation (a mint started before
 * it does not fill the store), and the store deletion still running (the
 * next fill waits for it). Bounded: least recently used identities go
 * first, so an identity in use is never forgotten because others filled
 * the memo.
 */
export class Invalidations {
  readonly #refused: LRUCache<string, string>;
  readonly #epochs: LRUCache<string, number>;
  readonly #running = new Map<string, Promise<void>>();

  constructor(max = MAX_REMEMBERED_IDENTITIES) {
    this.#refused = new LRUCache({ max });
    this.#epochs = new LRUCache({ max });
  }

  /** The epoch of `id`: a mint records it before it starts and writes only if it is unchanged. */
  epoch(id: string): number {
    return this.#epochs.get(id) ?? 0;
  }

  /** Records an invalidation of `id` (refusing `token`, when given). */
  invalidated(id: string, token: string | undefined): void {
    this.#epochs.set(id, this.epoch(id) + 1);
    if (token !== undefined) this.#refused.set(id, token);
  }

  /** The token this process was told `id`'s API refused, if any. */
  refused(id: string): string | undefined {
    return this.#refused.get(id);
  }

  /** A mint here returned `token`: if it was the refused one, the server says it is good again. */
  minted(id: string, token: string): void {
    if (this.#refused.get(id) === token) this.#refused.delete(id);
  }

  /** Tracks the store deletion of `id` until it settles. */
  track(id: string, deletion: Promise<void>): void {
    const run: Promise<void> = deletion.finally(() => {
      if (this.#running.get(id) === run) this.#running.delete(id);
    });
    this.#running.set(id, run);
  }

  /** The store deletion of `id` still running, if any. */
  running(id: string): Promise<void> | undefined {
    return this.#running.get(id);
  }

  /** Settles once every running deletion has. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
  }
}
