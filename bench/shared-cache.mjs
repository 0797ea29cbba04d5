// Shared token cache (SPEC section 8) on Debian's redis-server, side by side:
// 1. the shared-cache hit path (the token is not in this process's memory:
//    one Redis GET and an AES-256-GCM open) against the in-memory hit;
// 2. 1, 2, 4 and 8 processes (store-worker.mjs, the built package) x 100
//    credentials started at once against a loopback token endpoint (20 ms),
//    with and without the shared cache: token requests and getToken p50/p99.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialStore, EnvSecretProvider, RedisSharedCache } from '@credflow/credentials-core';
import { readBody, redisServerAvailable, sendJson, startLoopbackServer, startRedisServer } from '@credflow/testkit';
import { Bench } from 'tinybench';

const WORKER = new URL('../packages/credentials-core/test/shared-cache/store-worker.mjs', import.meta.url);

/** `n` store-worker.mjs processes (the same worker as the multi-process tests), ready for commands. */
function startStoreWorkers(n, yaml, env) {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const child = fork(WORKER, [], {
            env: { ...process.env, ...env, WORKER_CONFIG: yaml },
            execArgv: [],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          const pending = new Map();
          let next = 0;
          child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
          child.on('message', (m) => {
            if (m.ready) {
              resolve({
                call: (op, args = {}) =>
                  new Promise((res, rej) => {
                    const id = next++;
                    pending.set(id, { res, rej });
                    child.send({ id, op, ...args });
                  }),
                kill: () =>
                  new Promise((res) => {
                    if (child.exitCode !== null) return res();
                    child.once('exit', () => res());
                    child.kill('SIGKILL');
                  }),
              });
              return;
            }
            const p = pending.get(m.id);
            pending.delete(m.id);
            if (m.error) p?.rej(new Error(m.error.message));
            else p?.res(m.result);
          });
        }),
    ),
  );
}

const KEY = randomBytes(32).toString('base64');

async function tokenEndpoint() {
  let requests = 0;
  const server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    await sleep(20);
    sendJson(res, 200, {
      access_token: `tok-${requests}-${randomBytes(24).toString('base64url')}`,
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });
  return {
    url: `${server.url}/token`,
    get requests() {
      return requests;
    },
    reset() {
      requests = 0;
    },
    close: () => server.close(),
  };
}

const config = (url, n, shared) =>
  [
    ...(shared
      ? [
          'cache:',
          '  shared:',
          '    type: redis',
          '    url: { env: CREDFLOW_REDIS_URL }',
          '    encryptionKey: { secret: CACHE_KEY }',
          '    timeout: PT10S',
          '    lockTtl: PT60S',
          '    waitTimeout: PT120S',
        ]
      : []),
    'credentials:',
    ...Array.from(
      { length: n },
      (_, i) =>
        `  k${i}: { type: client_credentials, tokenEndpoint: "${url}", clientId: c${i}, clientSecret: { secret: S } }`,
    ),
    '',
  ].join('\n');

export async function sharedCacheBench() {
  if (!redisServerAvailable()) return { skipped: 'redis-server is not installed (apt-get install -y redis-server)' };
  const redis = await startRedisServer();
  const endpoint = await tokenEndpoint();
  const secretProviders = [
    new EnvSecretProvider({ encoding: 'plain', prefix: '', env: { S: 'bench-secret-value', CACHE_KEY: KEY } }),
  ];
  const stores = [];
  try {
    const memory = CredentialStore.fromYaml(config(endpoint.url, 2, false), { secretProviders });
    // maxCachedTokens 1 and two credentials called in turn: every call misses memory and hits Redis.
    const cache = new RedisSharedCache({ url: redis.url });
    const shared = CredentialStore.fromYaml(config(endpoint.url, 2, false), {
      secretProviders,
      maxCachedTokens: 1,
      sharedCache: { cache, encryptionKey: KEY },
    });
    stores.push(shared);
    await memory.getToken('k0');
    await shared.getToken('k0');
    await shared.getToken('k1');
    const before = endpoint.requests;
    let i = 0;
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench
      .add('in-memory hit: getToken', () => memory.getToken('k0'))
      .add('shared-cache hit: getToken (memory miss, Redis GET, AES-256-GCM open)', () =>
        shared.getToken(i++ % 2 === 0 ? 'k0' : 'k1'),
      );
    await bench.run();
    const benchRequests = endpoint.requests - before;

    const runs = [];
    for (const sharedOn of [false, true]) {
      for (const n of [1, 2, 4, 8]) {
        await redis.command('FLUSHALL');
        endpoint.reset();
        const workers = await startStoreWorkers(n, config(endpoint.url, 100, sharedOn), {
          CREDFLOW_REDIS_URL: redis.url,
          SECRET_S: Buffer.from('bench-secret-value').toString('base64'),
          SECRET_CACHE_KEY: Buffer.from(KEY).toString('base64'),
        });
        try {
          const keys = Array.from({ length: 100 }, (_, k) => `k${k}`);
          const started = performance.now();
          const cold = await Promise.all(
            workers.map((w) => w.call('loop', { keys, ms: 0, every: 0, latencies: true })),
          );
          const coldMs = performance.now() - started;
          const warm = await Promise.all(
            workers.map((w) => w.call('loop', { keys, ms: 2000, every: 50, latencies: true })),
          );
          const sorted = (rs) => rs.flatMap((r) => r.latencies).sort((a, b) => a - b);
          const q = (lat, p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
          const c = sorted(cold);
          const w = sorted(warm);
          runs.push({
            shared: sharedOn,
            n,
            requests: endpoint.requests,
            coldMs,
            coldP50: q(c, 0.5),
            coldP99: q(c, 0.99),
            calls: w.length,
            p50: q(w, 0.5),
            p99: q(w, 0.99),
          });
        } finally {
          await Promise.all(workers.map((w) => w.kill()));
        }
      }
    }
    return { bench, benchRequests, runs };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await endpoint.close();
    await redis.close();
  }
}
