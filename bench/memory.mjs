// Memory: heap held by 10,000 cached tokens of distinct credentials, and the
// cache's entry bound at 100,000 inserts. Needs node --expose-gc.
import { randomBytes } from 'node:crypto';
import { TokenCache } from '@credflow/credentials-core/internal';

const heap = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

function token(i) {
  // A JWT-sized access token (~900 characters), unique per credential.
  return {
    // Flat, unique text (a template literal over a repeated string would share memory).
    token: `eyJ${String(i).padStart(8, '0')}.${randomBytes(666).toString('base64url')}`,
    tokenType: 'Bearer',
    expiresIn: 3600,
    expiresAt: new Date(Date.now() + 3_600_000),
    scopes: ['api:read'],
    expiresAtMono: performance.now() + 3_600_000,
  };
}

async function fill(cache, n) {
  const policy = { enabled: true, refreshBeforeMs: 60_000 };
  for (let i = 0; i < n; i++) {
    await cache.get(`main\u0000tenant\u0000\u0000cred_${i}\u0000hash${i}`, policy, async () => token(i), `cred_${i}`);
  }
}

export async function memoryBench() {
  const logger = { warn: () => {} };
  const clock = { now: () => performance.now(), wallNow: () => Date.now() };
  const before = heap();
  const cache = new TokenCache({ clock, logger, maxEntries: 10_000 });
  await fill(cache, 10_000);
  const after = heap();
  const perToken = (after - before) / 10_000;

  const bounded = new TokenCache({ clock, logger, maxEntries: 10_000 });
  const b0 = heap();
  await fill(bounded, 100_000);
  const b1 = heap();
  return {
    gc: typeof globalThis.gc === 'function',
    heapFor10k: after - before,
    perToken,
    size10k: cache.size,
    boundedSize: bounded.size,
    heapAfter100k: b1 - b0,
    keep: [cache, bounded].length,
  };
}
