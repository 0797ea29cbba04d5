// The shared cache's memory of refused tokens is an LRU, not a map wiped
// whole at 10,000 entries: a refused token of an identity in use is never
// forgotten because unrelated identities were invalidated meanwhile. Unit
// tests: an in-memory SharedCache stands in for Redis (the Redis suites
// are in ../shared-tokens.test.ts).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identityKeys } from '../../../src/cache/shared/identity-keys.js';
import { Invalidations, MAX_REMEMBERED_IDENTITIES } from '../../../src/cache/shared/invalidations.js';
import type { SharedCache } from '../../../src/cache/shared/shared-cache.js';
import { SharedTokens } from '../../../src/cache/shared/shared-tokens.js';
import { TokenSealer } from '../../../src/cache/shared/token-envelope.js';
import { systemClock } from '../../../src/clock.js';
import type { AccessToken } from '../../../src/token/access-token.js';

/** A SharedCache in a Map (TTLs ignored: the tests run in well under a token's life). */
function memoryCache(): SharedCache & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    description: 'memory',
    get: async (k) => entries.get(k),
    set: async (k, v) => {
      entries.set(k, v);
    },
    setIfAbsent: async (k, v) => {
      if (entries.has(k)) return false;
      entries.set(k, v);
      return true;
    },
    deleteIf: async (k, v) => entries.get(k) === v && entries.delete(k),
    delete: async (k) => {
      entries.delete(k);
    },
  };
}

function accessToken(token: string): AccessToken {
  const expiresAt = systemClock.wallNow() + 3_600_000;
  return {
    token,
    tokenType: 'Bearer',
    expiresIn: 3600,
    expiresAt: new Date(expiresAt),
    expiresAtMono: systemClock.now() + 3_600_000,
  };
}

describe('Invalidations (refused tokens, epochs)', () => {
  it('a refused token read now and then outlives many unrelated invalidations; unused ones go first', () => {
    const inv = new Invalidations(100);
    inv.invalidated('a', 'refused-a');
    for (let i = 0; i < 1000; i++) {
      inv.invalidated(`other-${i}`, `t-${i}`);
      if (i % 10 === 0) expect(inv.refused('a')).toBe('refused-a');
    }
    expect(inv.refused('a')).toBe('refused-a');
    expect(inv.refused('other-0')).toBeUndefined(); // least recently used: forgotten
    expect(inv.refused('other-999')).toBe('t-999');
  });
});

describe('SharedTokens with unrelated invalidations filling its memory', () => {
  it(`never takes a refused token from the store again, after ${MAX_REMEMBERED_IDENTITIES + 2000} invalidations of other credentials`, async () => {
    const cache = memoryCache();
    const key = randomBytes(32);
    const shared = new SharedTokens({ cache, encryptionKey: key }, { clock: systemClock, logger: { warn: () => {} } });
    const sealer = new TokenSealer(key);
    const id = 'main\u0000tenant\u0000\u0000api\u0000h';
    const entry = identityKeys('credflow:', id).entry;
    const policy = { enabled: true, refreshBeforeMs: 60_000 };
    let minted = 0;
    const mint = async () => accessToken(`fresh-${++minted}`);
    /** The refused token back in the store, as a drop that never happened leaves it. */
    const putBackRefused = () => {
      const t = accessToken('refused');
      cache.entries.set(
        entry,
        sealer.seal(id, { token: t.token, tokenType: t.tokenType, expiresIn: 3600, expiresAt: t.expiresAt.getTime() }),
      );
    };
    putBackRefused();
    expect((await shared.fill(id, policy, mint, 0)).token).toBe('refused'); // another process's token
    shared.invalidate(id, 'refused');
    for (let i = 0; i < MAX_REMEMBERED_IDENTITIES + 2000; i++) {
      shared.invalidate(`other-${i}`, `t-${i}`);
      if (i % 500 === 0) {
        putBackRefused();
        expect((await shared.fill(id, policy, mint, 0)).token).not.toBe('refused');
      }
    }
    putBackRefused();
    expect((await shared.fill(id, policy, mint, 0)).token).not.toBe('refused');
    await shared.close();
  });
});
