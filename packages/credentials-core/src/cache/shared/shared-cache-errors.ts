import { CredflowError } from '../../errors.js';

/**
 * The shared cache's encryption key cannot be used: its secret is missing,
 * or it is not 32 bytes written in base64. A configuration error: calls that
 * would use the shared cache fail with it until the key is fixed.
 */
export class SharedCacheKeyError extends CredflowError {
  readonly code = 'ERR_SHARED_CACHE_KEY_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`shared token cache: ${message}`, options);
  }
}

/**
 * An entry of the shared cache was sealed with another encryption key (a
 * process configured with a different `encryptionKey`). It is never opened:
 * this process mints for itself, warns, and leaves the entry alone.
 */
export class SharedCacheKeyMismatchError extends CredflowError {
  readonly code = 'ERR_SHARED_CACHE_KEY_MISMATCH';
  constructor(description: string) {
    super(
      `shared token cache (${description}) holds tokens sealed with another encryption key: every process sharing it must use the same cache.shared.encryptionKey; minting in this process meanwhile`,
    );
  }
}

/** An entry of the shared cache that is not a valid envelope for its identity (garbage, truncated, moved). */
export class SharedCacheEntryError extends CredflowError {
  readonly code = 'ERR_SHARED_CACHE_ENTRY_INVALID';
  constructor(description: string, reason: string) {
    super(
      `shared token cache (${description}): an entry cannot be used (${reason}); minting a new token and replacing it`,
    );
  }
}

/** The shared cache did not answer, or not in time. Reported in a warning; calls never fail with it. */
export class SharedCacheUnavailableError extends CredflowError {
  readonly code = 'ERR_SHARED_CACHE_UNAVAILABLE';
  constructor(description: string, reason: string, options?: { cause?: unknown }) {
    super(
      `shared token cache (${description}) is unavailable (${reason}): each process mints its own tokens until it is back`,
      options,
    );
  }
}
