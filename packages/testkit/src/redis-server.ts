import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A reply of the Redis protocol (RESP2). */
export type RedisReply = string | number | null | RedisReply[] | Error;

/** Debian's `redis-server`, started by a test on a random loopback port (shared/NOTES.md). */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The server's working directory: it must stay empty (no RDB, no AOF). */
  readonly dir: string;
  /** Whether the server process runs. */
  readonly running: boolean;
  /** Kills the server with SIGKILL: every connection drops at once, all data is gone. */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
  /**
   * Sends one command on a fresh connection and returns the reply. A tiny
   * client of its own, so a test can inspect Redis independently of the
   * client the product uses.
   */
  command(...args: (string | number)[]): Promise<RedisReply>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Whether `redis-server` can be run on this machine. */
export function redisServerAvailable(): boolean {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/**
 * Whether tests that need `redis-server` should run: always in CI
 * (`CI=true`, where a missing server must fail them, not skip them), else
 * when it is installed.
 */
export function shouldRunRedisTests(): boolean {
  return process.env.CI === 'true' || redisServerAvailable();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts `redis-server --port P --bind 127.0.0.1 --save '' --appendonly no`
 * in a fresh temporary directory and waits until it answers PING.
 */
export async function startRedisServer(): Promise<RedisServer> {
  if (!redisServerAvailable()) {
    throw new Error(
      'redis-server is not installed: apt-get install -y redis-server (CI installs it in .ci/run; tests needing it fail in CI and are skipped elsewhere)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'credflow-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-2000);
    });
    proc.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-2000);
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `redis-server exited at start (${proc.exitCode ?? proc.signalCode}): ${output.trim().slice(-500)}`,
        );
      }
      const pong = await sendRedisCommand(port, ['PING']).catch(() => undefined);
      if (pong === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}: ${output.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (err) {
      child?.kill('SIGKILL');
      if (attempt >= 4) throw err; // the port may have been taken between choosing and binding: try another
    }
  }
  const kill = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    command: (...args) => sendRedisCommand(port, args.map(String)),
    close: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Files in the server's directory (to show nothing was persisted). */
export function filesIn(dir: string): string[] {
  return readdirSync(dir);
}

/** Sends one command (RESP array of bulk strings) on a new connection and reads one reply. */
export function sendRedisCommand(port: number, args: string[]): Promise<RedisReply> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error('redis command timed out')));
    socket.on('error', reject);
    socket.on('connect', () => {
      const parts = [`*${args.length}\r\n`];
      for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
      socket.write(parts.join(''));
    });
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      const parsed = parseReply(buffer, 0);
      if (parsed === undefined) return;
      socket.end();
      resolve(parsed.value);
    });
  });
}

/** Parses one RESP2 reply at `at`; `undefined` while incomplete. */
function parseReply(buf: Buffer, at: number): { value: RedisReply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[at] ?? 0);
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new Error(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      if (buf.length < next + n + 2) return undefined;
      return { value: buf.toString('utf8', next, next + n), next: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      const items: RedisReply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (item === undefined) return undefined;
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error(`unexpected RESP reply type '${type}'`);
  }
}
