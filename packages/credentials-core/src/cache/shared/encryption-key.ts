import { SharedCacheKeyError } from './shared-cache-errors.js';
import type { SharedCacheOptions } from './shared-cache-options.js';
import { TokenSealer } from './token-envelope.js';

/**
 * The sealer of the shared cache's `encryptionKey`, made once on first use
 * (a failed read of a key function is tried again on the next call).
 * Throws {@link SharedCacheKeyError} for a missing or malformed key.
 */
export function sealerOf(source: SharedCacheOptions['encryptionKey']): () => Promise<TokenSealer> {
  let sealer: Promise<TokenSealer> | undefined;
  return () => {
    sealer ??= (async () => {
      const key = typeof source === 'function' ? await source() : source;
      return typeof key === 'string' ? TokenSealer.fromBase64(key) : new TokenSealer(key);
    })().catch((err: unknown) => {
      sealer = undefined;
      throw err instanceof SharedCacheKeyError
        ? err
        : new SharedCacheKeyError('cannot read the encryption key', { cause: err });
    });
    return sealer;
  };
}
