import { identityHash } from './token-envelope.js';

/** The two keys of one credential identity in the shared store: its sealed entry and its lock. */
export interface IdentityKeys {
  readonly entry: string;
  readonly lock: string;
}

/**
 * The keys of identity `id` under `prefix`: a hash of the identity (never
 * the identity), as a hash tag (`{...}`), so in a Redis Cluster an
 * identity's entry and lock share a slot (one master).
 */
export function identityKeys(prefix: string, id: string): IdentityKeys {
  const hash = identityHash(id);
  return { entry: `${prefix}t:{${hash}}`, lock: `${prefix}l:{${hash}}` };
}
