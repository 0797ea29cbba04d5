import { LRUCache } from 'lru-cache';
import type { AccessToken } from '../../token/access-token.js';
import { MAX_REMEMBERED_IDENTITIES } from './invalidations.js';

/**
 * The token last handed to this process's in-memory cache, per identity:
 * the one token of the shared store this process must not take again once
 * it is due for a refresh (it is the token being refreshed). Least
 * recently used identities are forgotten first.
 */
export class HandedTokens {
  readonly #tokens = new LRUCache<string, string>({ max: MAX_REMEMBERED_IDENTITIES });

  /** Remembers `token` as handed out for `id`, and returns it. */
  hand(id: string, token: AccessToken): AccessToken {
    this.#tokens.set(id, token.token);
    return token;
  }

  /** The token last handed out for `id`, if remembered. */
  get(id: string): string | undefined {
    return this.#tokens.get(id);
  }
}
