// SPEC section 8 with real processes: store-worker.mjs processes (the built
// package, as host apps and the CLI run it) sharing Debian's redis-server,
// minting from a real oidc-provider. Run after a build (`pnpm test` builds).
import { randomBytes } from 'node:crypto';
import {
  describeFindings,
  type RedisServer,
  scanForLeaks,
  shouldRunRedisTests,
  startRedisServer,
} from '@credflow/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, type SharedIdp, sharedConfig, startSharedIdp } from './shared-idp.js';
import { type StoreWorker, startStoreWorkers } from './store-workers.js';

const KEY = randomBytes(32).toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');
/**
 * Generous Redis timeouts and lock times for the mint-count tests: these
 * machines are shared and often loaded, and a timeout would (rightly) make a
 * process mint for itself. The fallback has its own tests.
 */
const PATIENT = { timeout: 'PT10S', lockTtl: 'PT60S', waitTimeout: 'PT120S' } as const;
const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}`);

let redis: RedisServer;
let idp: SharedIdp;
let workers: StoreWorker[] = [];

const env = () => ({
  CREDFLOW_REDIS_URL: redis.url,
  SECRET_CLIENT_SECRET: b64(CLIENT_SECRET),
  SECRET_CACHE_KEY: b64(KEY),
});

async function stopWorkers(): Promise<void> {
  await Promise.all(workers.map((w) => w.kill()));
  workers = [];
}

/** Every key and value in Redis, read with the testkit's own client (SCAN, TYPE, GET). */
async function dumpRedis(): Promise<{ key: string; type: string; value: string }[]> {
  const out: { key: string; type: string; value: string }[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await redis.command('SCAN', cursor, 'COUNT', 1000)) as [string, string[]];
    cursor = next;
    for (const key of batch) {
      const type = String(await redis.command('TYPE', key));
      out.push({ key, type, value: type === 'string' ? String(await redis.command('GET', key)) : '' });
    }
  } while (cursor !== '0');
  return out;
}

describe.skipIf(!shouldRunRedisTests())('shared token cache across processes (redis-server, oidc-provider)', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    idp = await startSharedIdp(130);
  }, 60_000);
  afterAll(async () => {
    await stopWorkers();
    await idp?.close();
    await redis?.close();
  });
  afterEach(async () => {
    await stopWorkers();
    if (!redis.running) await redis.restart();
    await redis.command('FLUSHALL');
    idp.mints.length = 0;
  });

  it('8 processes x 100 credentials started at once: exactly 100 mints (without the shared cache: 800)', async () => {
    workers = await startStoreWorkers(8, sharedConfig(idp.tokenEndpoint, 100, PATIENT), env());
    const results = await Promise.all(workers.map((w) => w.call<string[]>('get', { keys: keys(0, 100) })));
    console.log(`8 processes x 100 credentials, shared cache: ${idp.mints.length} mints`);
    expect(idp.mints.length).toBe(100);
    for (let i = 0; i < 100; i++) expect(idp.mintsOf(`c${i}`)).toBe(1);
    for (const r of results) expect(r).toEqual(results[0]); // every process got the same token per credential
    expect(new Set(results[0]).size).toBe(100);

    await stopWorkers();
    idp.mints.length = 0;
    workers = await startStoreWorkers(8, sharedConfig(idp.tokenEndpoint, 100, { shared: false }), env());
    await Promise.all(workers.map((w) => w.call<string[]>('get', { keys: keys(0, 100) })));
    console.log(`8 processes x 100 credentials, no shared cache: ${idp.mints.length} mints`);
    expect(idp.mints.length).toBeGreaterThanOrEqual(800); // 800, and more when the loaded machine times some out and they are retried
  }, 120_000);

  it('tokens rolling over (16 s tokens, refreshed 8 s ahead, 20 s of calls in 8 processes after a cold start): one mint per credential per refresh', async () => {
    // oidc-provider mints about 30 tokens a second here, and 8 processes share 2 cores: lifetimes long enough for 100 mints per refresh.
    const shortIdp = await startSharedIdp(100, () => 16);
    try {
      workers = await startStoreWorkers(
        8,
        sharedConfig(shortIdp.tokenEndpoint, 100, { ...PATIENT, refreshBeforeExpiry: 'PT8S' }),
        env(),
      );
      await Promise.all(workers.map((w) => w.call('get', { keys: keys(0, 100) }))); // cold start: 100 mints
      expect(shortIdp.mints.length).toBe(100);
      const runs = await Promise.all(
        workers.map((w) =>
          w.call<{ seen: Record<string, string[]>; calls: number; failures: number }>('loop', {
            keys: keys(0, 100),
            ms: 20_000,
            every: 250,
          }),
        ),
      );
      const end = Date.now();
      const perCredential = keys(0, 100).map((k, i) => {
        const at = shortIdp.mints.filter((m) => m.clientId === `c${i}`).map((m) => m.at);
        const gaps = at.slice(1).map((t, j) => t - (at[j] as number));
        const seen = new Set(runs.flatMap((r) => r.seen[k] ?? []));
        // One refresh per 8 s at most after the first mint (the cold start's length varies with the machine's load).
        const bound = 1 + Math.ceil((end - (at[0] ?? end)) / 8000);
        return { mints: at.length, bound, minGap: Math.min(...gaps), seen: seen.size };
      });
      const total = perCredential.reduce((n, c) => n + c.mints, 0);
      console.log(
        `rolling over: ${total} mints for 100 credentials (${perCredential.map((c) => c.mints).join(',')}), calls ${runs.reduce((n, r) => n + r.calls, 0)}, smallest gap between two mints of one credential ${Math.min(...perCredential.map((c) => c.minGap))} ms`,
      );
      for (const r of runs) expect(r.failures).toBe(0);
      for (const w of await Promise.all(workers.map((x) => x.call<string[]>('warnings')))) expect(w).toEqual([]);
      for (const c of perCredential) {
        // Minted in the cold start, then refreshed every ~8 s over the 20 s run.
        expect(c.mints).toBeGreaterThanOrEqual(2);
        expect(c.mints).toBeLessThanOrEqual(c.bound);
        // Refreshes are ~8 s apart (timestamps are taken when oidc-provider mints, which the load delays);
        // two mints in one refresh would be milliseconds apart.
        expect(c.minGap).toBeGreaterThan(2000);
        expect(c.seen).toBeGreaterThanOrEqual(c.mints - 1); // the processes used the tokens minted, none was minted twice
      }
    } finally {
      await stopWorkers();
      await shortIdp.close();
    }
  }, 120_000);

  it('8 processes with one revoked token each invalidate it: the shared entry is dropped once, 1 new mint', async () => {
    workers = await startStoreWorkers(8, sharedConfig(idp.tokenEndpoint, 110, PATIENT), env());
    const first = await Promise.all(workers.map((w) => w.call<string[]>('get', { keys: ['k100'] })));
    const old = first[0]?.[0];
    expect(new Set(first.map((t) => t[0])).size).toBe(1);
    const after = await Promise.all(
      workers.map(async (w) => {
        await w.call('invalidate', { key: 'k100', token: old });
        return (await w.call<string[]>('get', { keys: ['k100'] }))[0];
      }),
    );
    expect(new Set(after).size).toBe(1);
    expect(after[0]).not.toBe(old);
    expect(idp.mintsOf('c100')).toBe(2);
  }, 120_000);

  it('Redis killed mid-run: every call succeeds, one warning per process; restarted: sharing resumes', async () => {
    workers = await startStoreWorkers(4, sharedConfig(idp.tokenEndpoint, 130, { timeout: 'PT10S' }), env());
    await Promise.all(workers.map((w) => w.call('get', { keys: keys(100, 110) })));
    expect(idp.mints.length).toBe(10);
    await redis.kill();
    // Cold credentials while Redis is down, in two rounds across the pause between tries of Redis.
    const down = await Promise.all(
      workers.map(async (w) => {
        const a = await w.call<string[]>('get', { keys: keys(110, 115) });
        await new Promise((r) => setTimeout(r, 1200));
        return [...a, ...(await w.call<string[]>('get', { keys: keys(115, 120) }))];
      }),
    );
    for (const d of down) expect(d).toHaveLength(10);
    expect(idp.mints.length).toBe(10 + 4 * 10); // each process minted for itself
    const warnings = await Promise.all(workers.map((w) => w.call<string[]>('warnings')));
    console.log(`Redis down: warnings per process ${warnings.map((w) => w.length).join(',')}`);
    for (const w of warnings) {
      expect(w).toHaveLength(1);
      expect(w[0]).toContain('ERR_SHARED_CACHE_UNAVAILABLE');
    }
    await redis.restart();
    await new Promise((r) => setTimeout(r, 1200));
    idp.mints.length = 0;
    const back = await Promise.all(workers.map((w) => w.call<string[]>('get', { keys: keys(120, 130) })));
    for (const b of back) expect(b).toEqual(back[0]);
    expect(idp.mints.length).toBe(10);
    for (const w of await Promise.all(workers.map((x) => x.call<string[]>('warnings')))) expect(w).toHaveLength(1);
  }, 120_000);

  it('a lock holder killed while minting: another process takes over after the lock expires, 1 mint, no deadlock', async () => {
    workers = await startStoreWorkers(4, sharedConfig(idp.tokenEndpoint, 1, { lockTtl: 'PT2S' }), env());
    const [holder, ...others] = workers as [StoreWorker, ...StoreWorker[]];
    idp.hold();
    const dead = holder.call('get', { keys: ['k0'] }).catch(() => 'died');
    await expect.poll(() => idp.held).toBe(1); // holder has the lock and its token request is on the wire
    const waiting = others.map((w) => w.call<string[]>('get', { keys: ['k0'] }));
    await new Promise((r) => setTimeout(r, 300));
    const killedAt = performance.now();
    await holder.kill();
    expect(await dead).toBe('died');
    await new Promise((r) => setTimeout(r, 200));
    idp.open(); // the dead process's request is dropped, never minted
    const tokens = (await Promise.all(waiting)).map((t) => t[0]);
    const waited = performance.now() - killedAt;
    console.log(`lock holder killed: the others got a token ${Math.round(waited)} ms later`);
    expect(new Set(tokens).size).toBe(1);
    await expect.poll(() => idp.mintsOf('c0')).toBe(1);
    expect(idp.requests).toBeGreaterThanOrEqual(2);
    expect(waited).toBeLessThan(10_000);
  }, 120_000);

  it('a scan of every Redis key and value: no token, secret, key or credential, namespace or tenant name in clear', async () => {
    const names = {
      credential: ['ledger_service_alpha', 'payroll_exporter_beta', 'orion_billing_gamma'],
      namespace: 'finance.payroll.batch',
      tenant: 'tenant-orion-east',
    };
    const cred = (name: string, client: string) =>
      `    ${name}:\n      type: client_credentials\n      tokenEndpoint: ${idp.tokenEndpoint}\n      clientId: ${client}\n      clientSecret: { secret: CLIENT_SECRET }\n`;
    const yaml = [
      'cache:\n  shared:\n    type: redis\n    url: { env: CREDFLOW_REDIS_URL }\n    encryptionKey: { secret: CACHE_KEY }\n',
      `credentials:\n${cred(names.credential[0] as string, 'c0').replace(/^ {2}/gm, '')}`,
      `namespaces:\n  ${names.namespace}:\n    credentials:\n${cred(names.credential[1] as string, 'c1').replace(/^(?=.)/gm, '  ')}`,
      `tenants:\n  ${names.tenant}:\n    secrets: [{ type: env }]\n    credentials:\n${cred(names.credential[2] as string, 'c2').replace(/^(?=.)/gm, '  ')}`,
    ].join('');
    workers = await startStoreWorkers(3, yaml, env());
    const scopes = [{}, { namespace: names.namespace }, { tenantId: names.tenant }];
    const tokens = (
      await Promise.all(workers.map((w) => w.call<string[]>('get', { keys: names.credential, scopes })))
    ).flat();
    expect(new Set(tokens).size).toBe(3);
    expect(idp.mints.length).toBe(3);
    await new Promise((r) => setTimeout(r, 100)); // lock releases are not awaited by callers
    const dump = await dumpRedis();
    const keyBytes = Buffer.from(KEY, 'base64');
    // The testkit's scanner (independent of the product's encodings), case-insensitive: every form upper and lower case.
    const needles = [
      ...tokens,
      CLIENT_SECRET,
      KEY,
      keyBytes,
      ...names.credential,
      names.namespace,
      names.tenant,
      'CLIENT_SECRET',
      'CACHE_KEY',
      'client_credentials',
    ];
    const hits = dump.flatMap((e) =>
      describeFindings(scanForLeaks(`${e.key}\n${e.value}`, needles, { ignoreCase: true })).map(
        (h) => `${e.key.slice(0, 12)}...: ${h}`,
      ),
    );
    console.log(
      `Redis scan: ${dump.length} keys (${dump.map((e) => `${e.key.slice(0, 12)}... ${e.type} ${e.value.length} B`).join('; ')}), ${needles.length} needles, ${hits.length} hits`,
    );
    expect(hits).toEqual([]);
    expect(dump).toHaveLength(3); // one entry per identity, locks released
    for (const e of dump) {
      expect(e.type).toBe('string');
      expect(e.key).toMatch(/^credflow:t:\{[A-Za-z0-9_-]{43}\}$/);
      const ttl = Number(await redis.command('PTTL', e.key));
      expect(ttl).toBeGreaterThan(3_500_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000); // the entry ends with the token
    }
    expect(redis.running).toBe(true);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(redis.dir)).toEqual([]); // no RDB, no AOF
  }, 120_000);
});
