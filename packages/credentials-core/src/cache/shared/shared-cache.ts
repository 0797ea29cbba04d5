/**
 * A store many processes share (SPEC section 8): the one thing a host
 * implements to share tokens through its own infrastructure, as octokit's
 * `cache: { get, set }` or MSAL's `DistributedCachePlugin`. credflow gives it
 * only opaque keys (hashes that name no tenant, namespace or credential) and
 * opaque values (AES-256-GCM envelopes, or random lock owners); it never
 * sees a token in clear.
 *
 * Four operations, two of them atomic, are all the cross-process protocol
 * needs: a lock is `setIfAbsent(lockKey, owner)` released by
 * `deleteIf(lockKey, owner)`, and a conditional invalidation is
 * `deleteIf(entryKey, envelope)`. Any operation may throw: credflow then
 * mints in this process and warns once, never fails a call because of it.
 *
 * {@link RedisSharedCache} is the built-in implementation.
 */
export interface SharedCache {
  /** Names the store in warnings (`redis 10.0.0.5:6379/0`); never a password. */
  readonly description: string;
  /** The value of `key`, or `undefined` when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value`, expiring after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets `key` to `value` (expiring after `ttlMs`) only if `key` has no value; whether it did, atomically. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only if it still holds `value`; whether it did, atomically. */
  deleteIf(key: string, value: string): Promise<boolean>;
  /** Deletes `key` whatever it holds. */
  delete(key: string): Promise<void>;
  /** Releases connections; the cache is not used afterwards. */
  close?(): Promise<void>;
}
