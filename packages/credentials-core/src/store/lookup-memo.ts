import { LRUCache } from 'lru-cache';

/** Most (tenant, namespace, key) lookups remembered; the least recently used go first. */
export const MAX_REMEMBERED_LOOKUPS = 10_000;

interface Slot<V> {
  readonly tenant: string;
  readonly namespace: string;
  readonly key: string;
  readonly value: V;
}

/**
 * What a (tenant, namespace, key) lookup found, remembered: tenant →
 * namespace → key, so a cache hit finds its entry without allocating
 * (no composite key is built). Bounded by an LRU of the slots: when it is
 * full the least recently used lookup is forgotten (not the whole memo).
 * {@link get} is the hit path and leaves recency alone; {@link touch}
 * marks a lookup used (the store calls it on every call that is not a
 * cache hit).
 */
export class LookupMemo<V> {
  readonly #index = new Map<string, Map<string, Map<string, Slot<V>>>>();
  /** Made at the first lookup remembered (an LRU of `max` preallocates its arrays: not at start-up). */
  #recency: LRUCache<Slot<V>, true> | undefined;
  readonly #max: number;

  constructor(max = MAX_REMEMBERED_LOOKUPS) {
    this.#max = max;
  }

  /** What `key` in (`tenant`, `namespace`) found, if remembered. */
  get(tenant: string, namespace: string, key: string): V | undefined {
    return this.#index.get(tenant)?.get(namespace)?.get(key)?.value;
  }

  /** Marks the lookup used, so it is among the last forgotten. */
  touch(tenant: string, namespace: string, key: string): void {
    const slot = this.#index.get(tenant)?.get(namespace)?.get(key);
    // A remembered slot was set, so the LRU exists.
    if (slot !== undefined) (this.#recency as LRUCache<Slot<V>, true>).get(slot);
  }

  /** Remembers what `key` in (`tenant`, `namespace`) found. */
  set(tenant: string, namespace: string, key: string, value: V): void {
    const old = this.#index.get(tenant)?.get(namespace)?.get(key);
    if (old !== undefined) (this.#recency as LRUCache<Slot<V>, true>).delete(old);
    let byNamespace = this.#index.get(tenant);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.#index.set(tenant, byNamespace);
    }
    let byKey = byNamespace.get(namespace);
    if (byKey === undefined) {
      byKey = new Map();
      byNamespace.set(namespace, byKey);
    }
    const slot: Slot<V> = { tenant, namespace, key, value };
    byKey.set(key, slot);
    this.#recency ??= new LRUCache<Slot<V>, true>({
      max: this.#max,
      dispose: (_v, evicted, reason) => {
        if (reason === 'evict' || reason === 'delete') this.#unindex(evicted);
      },
    });
    this.#recency.set(slot, true);
  }

  /** Number of lookups remembered. */
  get size(): number {
    return this.#recency?.size ?? 0;
  }

  #unindex(slot: Slot<V>): void {
    const byNamespace = this.#index.get(slot.tenant);
    const byKey = byNamespace?.get(slot.namespace);
    if (byKey?.get(slot.key) !== slot) return;
    byKey.delete(slot.key);
    if (byKey.size > 0) return;
    byNamespace?.delete(slot.namespace);
    if (byNamespace?.size === 0) this.#index.delete(slot.tenant);
  }
}
