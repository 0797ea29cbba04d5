// SPEC section 8 on Redis as deployed: a real 3-master Redis Cluster and a
// real Redis Sentinel setup (master, replica, sentinel) on loopback, started
// in beforeAll (test/cache/redis-ha-servers.ts), several stores in one
// process (each with its own connections, as separate processes would
// have) minting from a real oidc-provider. In CI (CI=true) these tests run
// and fail when redis-server is missing; elsewhere they are skipped then.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, shouldRunRedisTests } from '@credflow/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';
import { CLIENT_SECRET, type SharedIdp, startSharedIdp } from '../shared-cache/shared-idp.js';
import {
  type RedisCluster,
  type RedisSentinelSetup,
  type RedisTlsServer,
  removeRedisDirs,
  startRedisCluster,
  startRedisSentinel,
  startRedisTls,
  waitUntil,
} from './redis-ha-servers.js';

const KEY = randomBytes(32).toString('base64');
let idp: SharedIdp;
const stores: CredentialStore[] = [];

/** `credflow.yaml` with `cache.shared` as given and credentials k0..k{n-1} (clients c0..). */
function config(shared: string[], n: number): string {
  const lines = ['cache:', '  shared:', '    type: redis', ...shared.map((l) => `    ${l}`)];
  lines.push('    encryptionKey: { secret: CACHE_KEY }', 'credentials:');
  for (let i = 0; i < n; i++) {
    lines.push(
      `  k${i}:`,
      '    type: client_credentials',
      `    tokenEndpoint: ${idp.tokenEndpoint}`,
      `    clientId: c${i}`,
      '    clientSecret: { secret: CLIENT_SECRET }',
    );
  }
  return `${lines.join('\n')}\n`;
}

function store(yaml: string, warnings?: string[], baseDir?: string): CredentialStore {
  const s = CredentialStore.fromYaml(yaml, {
    ...(baseDir ? { baseDir } : {}),
    secretProviders: [new EnvSecretProvider({ encoding: 'plain', prefix: '', env: { CLIENT_SECRET, CACHE_KEY: KEY } })],
    logger: { warn: (m) => warnings?.push(m) },
  });
  stores.push(s);
  return s;
}

const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}`);

/** `calls` concurrent getToken calls per key spread over `all`: the tokens per key. */
async function stampede(all: CredentialStore[], ks: string[], calls: number): Promise<Map<string, Set<string>>> {
  const seen = new Map(ks.map((k) => [k, new Set<string>()]));
  await Promise.all(
    ks.flatMap((k) =>
      Array.from({ length: calls }, async (_, i) => {
        seen.get(k)?.add(await (all[i % all.length] as CredentialStore).getToken(k));
      }),
    ),
  );
  return seen;
}

beforeAll(async () => {
  if (shouldRunRedisTests()) idp = await startSharedIdp(80);
}, 60_000);
afterAll(async () => {
  await idp?.close();
  removeRedisDirs();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  if (idp) idp.mints.length = 0;
});

describe.skipIf(!shouldRunRedisTests())('shared token cache on a Redis Cluster (3 masters)', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('validated and described: cluster nodes as host:port', () => {
    const s = store(config([`cluster: [${cluster.addresses.join(', ')}]`], 1));
    expect(s.config.cache?.shared?.cluster).toEqual(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  });

  it('20 credentials x 50 concurrent calls over 4 stores: one mint each; entries on every master; entry and lock of an identity in one slot', async () => {
    const yaml = config([`cluster: [${cluster.addresses[0]}]`, 'timeout: PT5S'], 20); // one seed: the rest is discovered
    const warnings: string[] = [];
    const all = [store(yaml, warnings), store(yaml, warnings), store(yaml, warnings), store(yaml, warnings)];
    const seen = await stampede(all, keys(0, 20), 50);
    for (const [k, tokens] of seen) expect(tokens.size, k).toBe(1);
    for (let i = 0; i < 20; i++) expect(idp.mintsOf(`c${i}`)).toBe(1);
    expect(warnings).toEqual([]);
    await waitUntil('the locks released', async () =>
      (await cluster.keys()).every((k) => !k.startsWith('credflow:l:')),
    );
    const entries = await cluster.keys();
    expect(entries).toHaveLength(20);
    const holders = new Set<number>();
    for (const e of entries) {
      expect(e).toMatch(/^credflow:t:\{[A-Za-z0-9_-]{43}\}$/);
      const node = await cluster.nodeOf(e);
      holders.add(node.port);
      expect(await node.command('CLUSTER', 'KEYSLOT', e.replace('credflow:t:', 'credflow:l:'))).toBe(
        await node.command('CLUSTER', 'KEYSLOT', e),
      );
    }
    console.log(`cluster: 20 entries over ${holders.size} masters, ${idp.mints.length} mints`);
    expect(holders.size).toBe(3);
  }, 60_000);

  it('a master killed during calls: every call succeeds, one warning per store', async () => {
    const yaml = config([`cluster: [${cluster.addresses.join(', ')}]`], 60);
    const warnings = [[], [], [], []] as string[][];
    const all = warnings.map((w) => store(yaml, w));
    await stampede(all, keys(20, 30), 8); // warm: connected, sharing
    expect(idp.mints.length).toBe(10);
    const victim = cluster.nodes[1];
    const calls = (async () => {
      // Cold credentials while a master dies and the cluster notices it (node timeout 1 s): 3 s of rounds.
      let failures = 0;
      let n = 0;
      for (let round = 0; round < 6; round++) {
        const ks = keys(30 + round * 5, 35 + round * 5);
        await Promise.all(
          ks.flatMap((k) =>
            all.map(async (s) => {
              n++;
              await s.getToken(k).catch(() => failures++);
            }),
          ),
        );
        await new Promise((r) => setTimeout(r, 500));
      }
      return { failures, n };
    })();
    await new Promise((r) => setTimeout(r, 200));
    await victim?.kill();
    const { failures, n } = await calls;
    console.log(
      `cluster master killed: ${n} calls, ${failures} failed, warnings per store ${warnings.map((w) => w.length).join(',')}, ${idp.mints.length} mints`,
    );
    expect(failures).toBe(0);
    for (const w of warnings) {
      expect(w).toHaveLength(1);
      expect(w[0]).toContain('ERR_SHARED_CACHE_UNAVAILABLE');
      expect(w[0]).toContain('redis cluster (127.0.0.1:');
    }
  }, 60_000);
});

describe.skipIf(!shouldRunRedisTests())('shared token cache through Redis Sentinel (master, replica, sentinel)', () => {
  let ha: RedisSentinelSetup;
  beforeAll(async () => {
    ha = await startRedisSentinel();
  }, 60_000);
  afterAll(async () => {
    await ha?.close();
  });

  it('20 credentials x 50 concurrent calls over 4 stores: one mint each, entries on the master and its replica', async () => {
    const yaml = config([`sentinels: [${ha.sentinelAddress}]`, `name: ${ha.name}`, 'timeout: PT5S'], 20);
    const warnings: string[] = [];
    const all = [store(yaml, warnings), store(yaml, warnings), store(yaml, warnings), store(yaml, warnings)];
    const seen = await stampede(all, keys(0, 20), 50);
    for (const [k, tokens] of seen) expect(tokens.size, k).toBe(1);
    for (let i = 0; i < 20; i++) expect(idp.mintsOf(`c${i}`)).toBe(1);
    expect(warnings).toEqual([]);
    await waitUntil('20 entries on the replica', async () => Number(await ha.replica.command('DBSIZE')) === 20);
    expect(Number(await ha.master.command('DBSIZE'))).toBe(20);
  }, 60_000);

  it('the master killed during calls: every call succeeds, one warning per store; after the failover, sharing resumes on the promoted replica', async () => {
    const yaml = config([`sentinels: [${ha.sentinelAddress}]`, `name: ${ha.name}`], 80);
    const warnings = [[], [], [], []] as string[][];
    const all = warnings.map((w) => store(yaml, w));
    await stampede(all, keys(20, 25), 8);
    expect(idp.mints.length).toBe(5);
    await ha.master.kill();
    let failures = 0;
    let n = 0;
    let next = 25;
    const started = Date.now();
    // Rounds of cold credentials until the sentinel names the replica as master.
    while ((await ha.masterPort()) !== ha.replica.port) {
      if (Date.now() - started > 30_000) throw new Error('no failover within 30 s');
      const k = `k${next++}`;
      await Promise.all(
        all.map(async (s) => {
          n++;
          await s.getToken(k).catch(() => failures++);
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
    }
    console.log(`sentinel failover after ${Date.now() - started} ms: ${n} calls meanwhile, ${failures} failed`);
    expect(failures).toBe(0);
    expect(next).toBeLessThan(60);
    // Sharing resumes on the new master (after the pause between tries of a failed store).
    await new Promise((r) => setTimeout(r, 1500));
    idp.mints.length = 0;
    const seen = await stampede(all, keys(60, 70), 20);
    for (const [k, tokens] of seen) expect(tokens.size, k).toBe(1);
    console.log(`after the failover: 10 credentials x 20 calls over 4 stores, ${idp.mints.length} mints`);
    expect(idp.mints.length).toBe(10);
    expect(Number(await ha.replica.command('DBSIZE'))).toBeGreaterThanOrEqual(10);
    for (const w of warnings) {
      expect(w).toHaveLength(1);
      expect(w[0]).toContain('ERR_SHARED_CACHE_UNAVAILABLE');
      expect(w[0]).toContain(`redis sentinel ${ha.name}`);
    }
  }, 90_000);
});

describe.skipIf(!shouldRunRedisTests())('shared token cache over TLS (rediss://, a private CA)', () => {
  let server: RedisTlsServer;
  let dir: string;
  beforeAll(async () => {
    const ca = createTestCa('credflow redis test CA');
    server = await startRedisTls(ca.issue({ commonName: 'redis', usage: 'server', hosts: ['127.0.0.1', 'localhost'] }));
    dir = mkdtempSync(join(tmpdir(), 'credflow-rediss-'));
    writeFileSync(join(dir, 'redis-ca.pem'), ca.cert);
    process.env.CREDFLOW_TEST_REDISS_URL = `rediss://127.0.0.1:${server.tlsPort}`;
  }, 60_000);
  afterAll(async () => {
    delete process.env.CREDFLOW_TEST_REDISS_URL;
    await server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tls.ca (relative to the config file) trusts the private CA: stores share tokens over TLS', async () => {
    const yaml = config(['url: { env: CREDFLOW_TEST_REDISS_URL }', 'tls: { ca: ./redis-ca.pem }'], 5);
    const warnings: string[] = [];
    const a = store(yaml, warnings, dir);
    expect(a.config.cache?.shared?.tls).toEqual({ ca: join(dir, 'redis-ca.pem') });
    const all = [a, store(yaml, warnings, dir), store(yaml, warnings, dir)];
    const seen = await stampede(all, keys(0, 5), 30);
    for (const [k, tokens] of seen) expect(tokens.size, k).toBe(1);
    expect(idp.mints.length).toBe(5);
    expect(warnings).toEqual([]);
    const stored = await server.command('KEYS', 'credflow:t:*'); // through the plain port
    expect(Array.isArray(stored) && stored.length).toBe(5);
  }, 30_000);

  it('without the CA the certificate is refused: calls still succeed, one warning naming rediss and the certificate problem', async () => {
    const yaml = config(['url: { env: CREDFLOW_TEST_REDISS_URL }'], 10);
    const warnings: string[] = [];
    const s = store(yaml, warnings, dir);
    await expect(s.getToken('k7')).resolves.toBeTypeOf('string');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`rediss 127.0.0.1:${server.tlsPort}`);
    expect(warnings[0]).toMatch(/certificate/i);
    console.log(warnings[0]);
  }, 30_000);
});
