// SPEC section 8 in one process: several stores (each with its own Redis
// connection, as separate processes would have) on Debian's redis-server
// and a real oidc-provider. The suites with real processes are in
// test/shared-cache/processes.test.ts.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { type RedisServer, shouldRunRedisTests, startRedisServer } from '@credflow/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { ConfigError } from '../../src/errors.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';
import { virtualClock } from '../helpers/virtual-clock.js';
import { CLIENT_SECRET, type SharedIdp, sharedConfig, startSharedIdp } from '../shared-cache/shared-idp.js';

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');

let redis: RedisServer;
let idp: SharedIdp;
const stores: CredentialStore[] = [];

/** A store as one process would have it: its own connection to the shared Redis. */
function store(
  options: { key?: string; clock?: Clock; warnings?: string[]; yaml?: string; credentials?: number } = {},
): CredentialStore {
  const s = CredentialStore.fromYaml(options.yaml ?? sharedConfig(idp.tokenEndpoint, options.credentials ?? 20), {
    secretProviders: [
      new EnvSecretProvider({
        encoding: 'plain',
        prefix: '',
        env: { CLIENT_SECRET, CACHE_KEY: options.key ?? KEY },
      }),
    ],
    logger: { warn: (m) => options.warnings?.push(m) },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  stores.push(s);
  return s;
}

/** Every key in Redis, through the testkit's own client. */
async function redisKeys(): Promise<string[]> {
  const reply = await redis.command('KEYS', '*');
  return Array.isArray(reply) ? reply.map(String) : [];
}

describe.skipIf(!shouldRunRedisTests())('shared token cache on redis-server (one process, several stores)', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    process.env.CREDFLOW_REDIS_URL = redis.url;
    idp = await startSharedIdp(40);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await idp?.close();
    await redis?.close();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    if (!redis.running) await redis.restart();
    await redis.command('FLUSHALL');
    idp.mints.length = 0;
  });

  it("a second store gets the first one's token from Redis: 1 mint", async () => {
    const a = store();
    const b = store();
    const t = await a.getToken('k0');
    expect(await b.getToken('k0')).toBe(t);
    expect(idp.mintsOf('c0')).toBe(1);
    const keys = await redisKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^credflow:t:\{[A-Za-z0-9_-]{43}\}$/);
  });

  it('1,000 concurrent calls over 4 stores on a cold cache: 1 mint, the lock released', async () => {
    const all = [store(), store(), store(), store()];
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => all[i % 4]?.getToken('k1')));
    expect(new Set(tokens).size).toBe(1);
    expect(idp.mintsOf('c1')).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await redisKeys()).filter((k) => k.startsWith('credflow:l:'))).toEqual([]);
  });

  it('refresh ahead across stores: one store refreshes, the other takes the new token (2 mints for 2 tokens)', async () => {
    const clock = virtualClock();
    const a = store({ clock });
    const b = store({ clock });
    const first = await a.getToken('k2');
    expect(await b.getToken('k2')).toBe(first);
    clock.advance(3600_000 - 30_000); // inside the 1-minute refresh window
    expect(await a.getToken('k2')).toBe(first); // served at once, refresh in the background
    await expect.poll(() => idp.mintsOf('c2')).toBe(2);
    await expect.poll(async () => (await redisKeys()).some((k) => k.startsWith('credflow:l:'))).toBe(false);
    expect(await b.getToken('k2')).toBe(first); // b's own copy is valid: its background refresh reads Redis
    await expect.poll(() => b.peekToken('k2')).not.toBe(first);
    const second = b.peekToken('k2');
    expect(second).toBe(a.peekToken('k2'));
    expect(idp.mintsOf('c2')).toBe(2);
  });

  it('100 concurrent 401s with one token over 4 stores: the shared entry is dropped once, 1 new mint', async () => {
    const all = [store(), store(), store(), store()];
    const old = await all[0]?.getToken('k3');
    for (const s of all) expect(await s.getToken('k3')).toBe(old);
    const next = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const s = all[i % 4] as CredentialStore;
        s.invalidate('k3', {}, { token: old as string });
        return s.getToken('k3');
      }),
    );
    expect(new Set(next).size).toBe(1);
    expect(next[0]).not.toBe(old);
    expect(idp.mintsOf('c3')).toBe(2);
    // A late 401 with the old token in a store that has not seen the new one keeps the shared new token.
    const late = store();
    late.invalidate('k3', {}, { token: old as string });
    expect(await late.getToken('k3')).toBe(next[0]);
    expect(idp.mintsOf('c3')).toBe(2);
  });

  it('a refused token still in Redis (its conditional drop never happened) is never served again to the store told of it', async () => {
    // The drop of a refused token is conditional and best effort: Redis unreachable at that moment, or a
    // replica that has not applied the delete yet, leaves the entry as it was. Put it back by hand.
    const a = store();
    const refused = (await a.getToken('k7')) as string;
    const [entry] = await redisKeys();
    const envelope = String(await redis.command('GET', entry as string));
    const ttl = Number(await redis.command('PTTL', entry as string));
    a.invalidate('k7', {}, { token: refused });
    await expect.poll(redisKeys).toEqual([]); // the drop ran
    expect(await redis.command('SET', entry as string, envelope, 'PX', ttl)).toBe('OK');

    const next = await a.getToken('k7');
    expect(next).not.toBe(refused);
    expect(idp.mintsOf('c7')).toBe(2);
    // The new token replaced the refused one in Redis, for every store.
    expect(await store().getToken('k7')).toBe(next);
    expect(idp.mintsOf('c7')).toBe(2);
  });

  // 3600 s tokens: refreshBeforeExpiry below S/2, between S/2 and S, equal to S, above S.
  for (const [refresh, marginS] of [
    ['PT20M', 1200],
    ['PT50M', 1800],
    ['PT1H', 1800],
    ['PT2H', 1800],
  ] as const) {
    it(`refreshBeforeExpiry ${refresh} on 3600 s tokens: a store takes its token back from Redis until ${marginS} s are left`, async () => {
      const clock = virtualClock();
      const yaml = sharedConfig(idp.tokenEndpoint, 2, { refreshBeforeExpiry: refresh });
      // One token in memory: reading k1 evicts k0, so the next k0 call asks Redis for the token it was handed.
      const a = CredentialStore.fromYaml(yaml, {
        secretProviders: [
          new EnvSecretProvider({ encoding: 'plain', prefix: '', env: { CLIENT_SECRET, CACHE_KEY: KEY } }),
        ],
        logger: { warn: () => {} },
        clock,
        maxCachedTokens: 1,
      });
      stores.push(a);
      const first = await a.getToken('k0');
      await a.getToken('k1');
      clock.advance((3600 - marginS - 5) * 1000); // 5 s before its refresh time
      expect(await a.getToken('k0')).toBe(first);
      expect(idp.mintsOf('c0')).toBe(1);
      await a.getToken('k1');
      clock.advance(10_000); // 5 s into its refresh window
      const second = await a.getToken('k0');
      expect(second).not.toBe(first);
      expect(idp.mintsOf('c0')).toBe(2);
      // Another store, which was never handed the old token, takes the new one.
      expect(await store({ clock, yaml }).getToken('k0')).toBe(second);
      expect(idp.mintsOf('c0')).toBe(2);
    });
  }

  it('invalidate(key) without a token drops the shared entry whatever it holds', async () => {
    const a = store();
    const t = await a.getToken('k4');
    a.invalidate('k4');
    const b = store();
    expect(await b.getToken('k4')).not.toBe(t);
    expect(idp.mintsOf('c4')).toBe(2);
  });

  it('Redis killed: calls keep succeeding, one warning per store; restarted: sharing resumes', async () => {
    const wa: string[] = [];
    const wb: string[] = [];
    const a = store({ warnings: wa });
    const b = store({ warnings: wb });
    await a.getToken('k5');
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      await expect(a.getToken(`k${6 + i}`)).resolves.toBeTypeOf('string');
      await expect(b.getToken(`k${6 + i}`)).resolves.toBeTypeOf('string');
      await new Promise((r) => setTimeout(r, 400)); // across the 1 s pause between tries of Redis
    }
    expect(wa).toHaveLength(1);
    expect(wb).toHaveLength(1);
    expect(wa[0]).toContain('ERR_SHARED_CACHE_UNAVAILABLE');
    expect(wa[0]).toContain(`redis 127.0.0.1:${redis.port}`);
    expect(idp.mintsOf('c6')).toBe(2); // each store minted for itself
    await redis.restart();
    await new Promise((r) => setTimeout(r, 1100));
    const t = await a.getToken('k9');
    expect(await b.getToken('k9')).toBe(t);
    expect(idp.mintsOf('c9')).toBe(1);
    expect(wa).toHaveLength(1);
    expect(wb).toHaveLength(1);
  });

  it('Redis that accepts connections but never answers: the call mints within the timeout, one warning', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const warnings: string[] = [];
    const yaml = sharedConfig(idp.tokenEndpoint, 12, { timeout: 'PT0.2S' }).replace(
      'url: { env: CREDFLOW_REDIS_URL }',
      'url: { env: CREDFLOW_SILENT_REDIS_URL }',
    );
    process.env.CREDFLOW_SILENT_REDIS_URL = `redis://127.0.0.1:${port}`;
    const s = store({ yaml, warnings });
    const started = performance.now();
    await expect(s.getToken('k10')).resolves.toBeTypeOf('string');
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(s.getToken('k11')).resolves.toBeTypeOf('string');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ERR_SHARED_CACHE_UNAVAILABLE');
    for (const x of sockets) x.destroy();
    silent.close();
  });

  it('a corrupted entry: one warning, a new mint replaces it, the next store reads the good one', async () => {
    const a = store();
    const t = await a.getToken('k12');
    const [key] = await redisKeys();
    expect(await redis.command('SET', key as string, 'v1.garbage.not-an-envelope.x')).toBe('OK');
    const warnings: string[] = [];
    const b = store({ warnings });
    const fresh = await b.getToken('k12');
    expect(fresh).not.toBe(t);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ERR_SHARED_CACHE_ENTRY_INVALID');
    expect(await store().getToken('k12')).toBe(fresh);
    expect(idp.mintsOf('c12')).toBe(2);
  });

  it("an entry moved under another credential's key does not open (the identity is the associated data)", async () => {
    const a = store();
    await a.getToken('k13');
    const [key13] = await redisKeys();
    await a.getToken('k14');
    const key14 = (await redisKeys()).find((k) => k !== key13 && k.startsWith('credflow:t:')) as string;
    await redis.command('SET', key14, String(await redis.command('GET', key13 as string)));
    const warnings: string[] = [];
    const b = store({ warnings });
    const t14 = await b.getToken('k14');
    expect(t14).not.toBe(await b.getToken('k13'));
    expect(warnings.join('\n')).toContain('ERR_SHARED_CACHE_ENTRY_INVALID');
    expect(idp.mintsOf('c14')).toBe(2);
  });

  it('a key of another type in Redis is a corrupted entry, not an outage', async () => {
    const a = store();
    await a.getToken('k15');
    const [key] = await redisKeys();
    await redis.command('DEL', key as string);
    await redis.command('LPUSH', key as string, 'x');
    const warnings: string[] = [];
    await expect(store({ warnings }).getToken('k15')).resolves.toBeTypeOf('string');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ERR_SHARED_CACHE_ENTRY_INVALID');
  });

  it("a wrong encryption key: a clear warning, never the other key's token, the entry left alone", async () => {
    const a = store();
    const t = await a.getToken('k16');
    const before = await redis.command('GET', (await redisKeys())[0] as string);
    const warnings: string[] = [];
    const b = store({ key: OTHER_KEY, warnings });
    const own = await b.getToken('k16');
    expect(own).not.toBe(t);
    expect(await b.getToken('k17')).toBeTypeOf('string');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ERR_SHARED_CACHE_KEY_MISMATCH');
    expect(warnings[0]).toContain('cache.shared.encryptionKey');
    expect(warnings[0]).not.toContain(OTHER_KEY);
    const keys = await redisKeys();
    expect(await redis.command('GET', keys.find((k) => k.startsWith('credflow:t:')) as string)).toBeDefined();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(await store().getToken('k16')).toBe(t); // the right key still reads it
    expect(before).toBeTypeOf('string');
  });

  it('an encryption key that is not 32 bytes of base64 is ERR_SHARED_CACHE_KEY_INVALID, naming no value', async () => {
    const short = randomBytes(16).toString('base64');
    const s = store({ key: short });
    const err = (await s.getToken('k18').then(
      () => new Error('no error'),
      (e: unknown) => e,
    )) as Error & { code?: string };
    expect(err.code).toBe('ERR_SHARED_CACHE_KEY_INVALID');
    expect(err.message).toBe(
      'shared token cache: the encryption key decodes to 16 bytes: expected 32 random bytes in base64 (openssl rand -base64 32)',
    );
    expect(idp.mintsOf('c18')).toBe(0);
  });

  it('a lock whose holder died: the waiter takes over after the lock expires, 1 mint, no deadlock', async () => {
    const a = store({ yaml: sharedConfig(idp.tokenEndpoint, 20, { lockTtl: 'PT1.5S' }) });
    // Learn the lock key's name from a first mint, then plant a dead holder's lock for k19.
    await a.getToken('k19');
    const [entry] = await redisKeys();
    await redis.command('FLUSHALL');
    idp.mints.length = 0;
    const lockKey = (entry as string).replace('credflow:t:', 'credflow:l:');
    expect(await redis.command('SET', lockKey, 'dead-owner', 'PX', 1500, 'NX')).toBe('OK');
    const b = store({ yaml: sharedConfig(idp.tokenEndpoint, 20, { lockTtl: 'PT1.5S' }) });
    const started = performance.now();
    await expect(b.getToken('k19')).resolves.toBeTypeOf('string');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(1200);
    expect(waited).toBeLessThan(5000);
    expect(idp.mintsOf('c19')).toBe(1);
  });

  it('config: cache.shared is validated with located errors', () => {
    const bad = (yaml: string) => {
      try {
        CredentialStore.fromYaml(yaml, { file: 'credflow.yaml' });
      } catch (err) {
        return (err as ConfigError).message;
      }
      return 'accepted';
    };
    expect(
      bad('cache:\n  shared:\n    type: redis\n    url: redis://127.0.0.1:6379\n    encryptionKey: { secret: K }\n'),
    ).toBe(
      'credflow.yaml:4: cache.shared.url: write the URL in an environment variable or a file: { env: CREDFLOW_REDIS_URL } or { file: /path/to/url }',
    );
    expect(bad('cache:\n  shared:\n    type: memcached\n')).toMatch(
      /unknown shared cache type( 'memcached')?: expected redis/,
    );
    expect(bad('cache:\n  shared:\n    type: redis\n    url: { env: U }\n    encryptionKey: abc\n')).toContain(
      'cache.shared.encryptionKey: plain values are not allowed',
    );
    const s = CredentialStore.fromYaml(
      'cache:\n  shared:\n    type: redis\n    url: { file: ./redis-url }\n    encryptionKey: { secret: K }\n    lockTtl: PT3S\n',
      { baseDir: '/etc/credflow' },
    );
    expect(s.config.cache?.shared).toEqual({
      type: 'redis',
      url: { file: '/etc/credflow/redis-url' },
      encryptionKey: { secret: 'K' },
      lockTtl: 3000,
      waitTimeout: 15_000,
      timeout: 1000,
    });
    expect(new ConfigError('f', []).code).toBe('ERR_CONFIG_INVALID');
  });
});
