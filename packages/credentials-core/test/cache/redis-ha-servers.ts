// Real Redis Cluster and Redis Sentinel deployments on loopback for the
// shared-cache tests (shared/NOTES.md): Debian's redis-server processes on
// free ports, each in its own temporary directory, set up with plain Redis
// commands (CLUSTER ADDSLOTSRANGE / MEET, REPLICAOF, SENTINEL) sent by a
// tiny client of their own, independent of the product's ioredis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisReply, redisServerAvailable, sendRedisCommand } from '@credflow/testkit';

export type Reply = RedisReply;

/** One redis-server process. */
export interface RedisProcess {
  readonly port: number;
  readonly running: boolean;
  command(...args: (string | number)[]): Promise<Reply>;
  /** SIGKILL: connections drop at once. */
  kill(): Promise<void>;
}

export interface RedisCluster {
  nodes: RedisProcess[];
  /** `127.0.0.1:PORT` of every master. */
  addresses: string[];
  /** The node serving `key`'s slot. */
  nodeOf(key: string): Promise<RedisProcess>;
  /** Every key in the cluster (KEYS * on each running node). */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

export interface RedisSentinelSetup {
  master: RedisProcess;
  replica: RedisProcess;
  sentinel: RedisProcess;
  /** The master name the sentinel monitors. */
  name: string;
  /** `127.0.0.1:PORT` of the sentinel. */
  sentinelAddress: string;
  /** The port the sentinel names as master now. */
  masterPort(): Promise<number>;
  close(): Promise<void>;
}

function requireRedis(): void {
  if (!redisServerAvailable()) {
    throw new Error(
      'redis-server is not installed: apt-get install -y redis-server (CI installs it in .ci/run; these tests fail in CI without it)',
    );
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const dirs: string[] = [];

/** Starts `redis-server` with `args` (after the port and the usual no-persistence flags) and waits for PING. */
async function startProcess(args: (port: number, dir: string) => string[], sentinel = false): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'credflow-redis-ha-'));
  dirs.push(dir);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn('redis-server', args(port, dir), {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-2000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-2000);
    });
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if ((await sendRedisCommand(port, ['PING']).catch(() => undefined)) === 'PONG') {
        up = true;
        break;
      }
      await sleep(25);
    }
    if (up) {
      return {
        port,
        get running() {
          return child.exitCode === null && child.signalCode === null;
        },
        command: (...a) => sendRedisCommand(port, a.map(String)),
        kill: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 4)
      throw new Error(`redis-server${sentinel ? ' --sentinel' : ''} did not start: ${output.slice(-500)}`);
  }
}

const BASE = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

/** Waits until `check` holds, polling. */
async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A Redis Cluster of `masters` masters and no replicas: each node takes an
 * equal share of the 16,384 slots (CLUSTER ADDSLOTSRANGE), the first meets
 * the others, then every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  requireRedis();
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < masters; i++) {
    nodes.push(
      await startProcess((port, dir) => [
        '--port',
        String(port),
        ...BASE,
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--cluster-node-timeout',
        '1000',
      ]),
    );
  }
  const per = Math.ceil(16_384 / masters);
  for (const [i, n] of nodes.entries()) {
    const r = await n.command('CLUSTER', 'ADDSLOTSRANGE', i * per, Math.min(16_383, (i + 1) * per - 1));
    if (r instanceof Error) throw r;
  }
  for (const n of nodes.slice(1)) await nodes[0]?.command('CLUSTER', 'MEET', '127.0.0.1', n.port);
  await until('cluster_state:ok on every node', async () => {
    for (const n of nodes) {
      const info = String(await n.command('CLUSTER', 'INFO'));
      if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${masters}`)) return false;
    }
    return true;
  });
  const nodeOf = async (key: string) => {
    const slot = Number(await nodes.find((n) => n.running)?.command('CLUSTER', 'KEYSLOT', key));
    const node = nodes[Math.floor(slot / per)];
    if (node === undefined) throw new Error(`no node for slot ${slot}`);
    return node;
  };
  return {
    nodes,
    addresses: nodes.map((n) => `127.0.0.1:${n.port}`),
    nodeOf,
    keys: async () => {
      const all: string[] = [];
      for (const n of nodes.filter((x) => x.running)) {
        const r = await n.command('KEYS', '*');
        if (Array.isArray(r)) all.push(...r.map(String));
      }
      return all;
    },
    close: async () => {
      await Promise.all(nodes.map((n) => n.kill()));
    },
  };
}

/**
 * Redis Sentinel: a master, a replica of it, and one sentinel monitoring
 * the master as `name` (quorum 1, down after 1 s, so a killed master is
 * replaced by its replica within a few seconds).
 */
export async function startRedisSentinel(name = 'credflow-master'): Promise<RedisSentinelSetup> {
  requireRedis();
  const master = await startProcess((port, dir) => ['--port', String(port), ...BASE, '--dir', dir]);
  const replica = await startProcess((port, dir) => [
    '--port',
    String(port),
    ...BASE,
    '--dir',
    dir,
    '--replicaof',
    '127.0.0.1',
    String(master.port),
  ]);
  const sentinel = await startProcess((port, dir) => {
    const file = join(dir, 'sentinel.conf');
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 4000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    return [file, '--sentinel'];
  }, true);
  await until('the replica in sync', async () =>
    String(await replica.command('INFO', 'replication')).includes('master_link_status:up'),
  );
  const masterPort = async () => {
    const r = await sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name);
    return Array.isArray(r) ? Number(r[1]) : 0;
  };
  await until('the sentinel to know the master', async () => (await masterPort()) === master.port);
  await until('the sentinel to know the replica', async () => {
    const r = await sentinel.command('SENTINEL', 'REPLICAS', name);
    return Array.isArray(r) && r.length === 1;
  });
  return {
    master,
    replica,
    sentinel,
    name,
    sentinelAddress: `127.0.0.1:${sentinel.port}`,
    masterPort,
    close: async () => {
      await Promise.all([master.kill(), replica.kill(), sentinel.kill()]);
    },
  };
}

/** A redis-server answering TLS on `tlsPort` (certificate issued for 127.0.0.1 and localhost) and plain TCP on `port`. */
export interface RedisTlsServer extends RedisProcess {
  tlsPort: number;
}

/** Starts redis-server with TLS (`--tls-port`), its certificate and key written to its directory; clients need no certificate. */
export async function startRedisTls(certificate: { cert: string; key: string }): Promise<RedisTlsServer> {
  requireRedis();
  const tlsPort = await freePort();
  const server = await startProcess((port, dir) => {
    writeFileSync(join(dir, 'server.crt'), certificate.cert);
    writeFileSync(join(dir, 'server.key'), certificate.key);
    return [
      '--port',
      String(port),
      ...BASE,
      '--dir',
      dir,
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      join(dir, 'server.crt'),
      '--tls-key-file',
      join(dir, 'server.key'),
      '--tls-auth-clients',
      'no',
    ];
  });
  return Object.assign(server, { tlsPort });
}

/** Removes the temporary directories of every process started. */
export function removeRedisDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export { until as waitUntil };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
