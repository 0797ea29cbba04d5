import { LRUCache } from 'lru-cache';
import { parseDuration } from '../duration.js';
import { MinValidityError, TokenLifetimeTooShortError } from '../errors.js';

/** Options of `getToken` / `getAccessToken`. */
export interface GetTokenOptions {
  /**
   * The least remaining validity the caller needs, as an ISO-8601 duration
   * (`PT15M`): a cached token with less left is not handed out, a new one is
   * minted (and if the server's tokens never live that long, the call fails
   * with `ERR_TOKEN_LIFETIME_TOO_SHORT`). See SPEC section 3.
   */
  minValidity?: string;
}

/** Parsed `minValidity` texts; the least recently used of 1,000 go first. */
const parsed = new LRUCache<string, number>({ max: 1000 });

/**
 * `minValidity` in milliseconds (0 when absent). Parsed texts are kept, so a
 * template asking the same `PT15M` on every render parses it once.
 * @throws CredflowError `ERR_MIN_VALIDITY_INVALID` naming the credential and the text.
 */
export function minValidityMs(options: GetTokenOptions | undefined, credential: string): number {
  const text: unknown = options?.minValidity;
  if (text === undefined) return 0;
  if (typeof text === 'string') {
    const known = parsed.get(text);
    if (known !== undefined) return known;
    const ms = parseDuration(text);
    if (ms !== undefined && ms >= 0) {
      parsed.set(text, ms);
      return ms;
    }
  }
  throw new MinValidityError(
    // The text is not quoted: a template could pass a token or secret there.
    `credential '${credential}': minValidity must be a non-negative ISO-8601 duration such as PT15M, got ${typeof text === 'string' ? 'another string' : `a ${typeof text}`}`,
  );
}

/** A minted token that lives less than the caller's `minValidity`. */
export function lifetimeTooShort(credential: string, leftMs: number, minMs: number): TokenLifetimeTooShortError {
  return new TokenLifetimeTooShortError(
    `credential '${credential}': the new token is valid ${Math.max(0, Math.floor(leftMs / 1000))} s, less than the minValidity of ${Math.ceil(minMs / 1000)} s asked for (the token endpoint issues shorter-lived tokens)`,
  );
}
