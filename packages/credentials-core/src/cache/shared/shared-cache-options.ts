import type { SharedCache } from './shared-cache.js';

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
