import type { ConnectionOptions } from 'node:tls';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { loadSdk } from '../../load-sdk.js';
import type { SharedCache } from './shared-cache.js';

/** A value given as it is, or read on first use (from an environment variable, a file, a secret store). */
export type Lazy<T> = T | (() => Promise<T>);

/** A Redis Sentinel or Cluster node. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * Options of {@link RedisSharedCache}: where Redis is, in exactly one of
 * three ways (`url`, `sentinels` with `name`, `cluster`), as ioredis offers
 * them.
 */
export interface RedisSharedCacheOptions {
  /**
   * One server (or a proxy): `redis://[user:password@]host:port/db` or
   * `rediss://...` (TLS), or a function reading it on first use (from an
   * environment variable or a file).
   */
  url?: Lazy<string>;
  /** Redis Sentinel: the sentinels asked where master {@link name} is (again after every failover). */
  sentinels?: readonly RedisNodeAddress[];
  /** The master name the sentinels monitor (`mymaster`). */
  name?: string;
  /** Redis Cluster: seed nodes; the others and the slot map are discovered. */
  cluster?: readonly RedisNodeAddress[];
  /** Database number (Sentinel; one server takes it in its URL; a Cluster has 0 only). */
  db?: number;
  /** ACL user and password of the servers (Sentinel, Cluster; a URL carries its own). */
  username?: string;
  password?: Lazy<string>;
  /** ACL user and password of the sentinels themselves, when they require one. */
  sentinelUsername?: string;
  sentinelPassword?: Lazy<string>;
  /**
   * TLS towards the servers (and the sentinels), e.g. `{ ca }` with the
   * PEM of a private CA, `servername`. A `rediss://` URL turns TLS on by
   * itself; this adds to it.
   */
  tls?: Lazy<ConnectionOptions>;
  /** Connect and command timeout in ms (default 1,000): a slower Redis counts as unavailable. */
  timeoutMs?: number;
  /** Names the store in warnings until the URL has been read. */
  description?: string;
}

type Client = Redis | Cluster;

/** Deletes KEYS[1] only if it still holds ARGV[1] (lock release by its owner, conditional invalidation). */
const DELETE_IF = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * A {@link SharedCache} on Redis (SPEC section 8), through ioredis (an
 * optional peer dependency, imported only when one is used): one server at
 * a URL (`rediss://` for TLS), Redis Sentinel, or Redis Cluster.
 *
 * Every operation touches one key, so in a Cluster each lives on the
 * master of its key's slot; credflow's keys carry their identity's hash as
 * a hash tag (`credflow:t:{h}`, `credflow:l:{h}`), so an identity's entry
 * and lock share a slot and fail over together.
 *
 * Failure is made fast rather than patient, because every caller has a
 * fallback (mint in this process): no offline queue, no retries per
 * command, a `timeoutMs` on connecting and on each operation, and no
 * background reconnection: after a failure, the connection is dropped and
 * the next operation connects anew, which with Sentinel asks the sentinels
 * for the current master and with Cluster reads the slot map again. The
 * sockets do not keep the process alive while nothing waits on them.
 */
export class RedisSharedCache implements SharedCache {
  readonly #options: RedisSharedCacheOptions;
  readonly #timeoutMs: number;
  #description: string;
  #client: Promise<Client> | undefined;
  #busy = 0;
  #closed = false;

  constructor(options: RedisSharedCacheOptions) {
    const ways = [options.url, options.sentinels, options.cluster].filter((w) => w !== undefined).length;
    if (ways !== 1) throw new TypeError('RedisSharedCache: give exactly one of url, sentinels (with name) or cluster');
    if (options.sentinels !== undefined && !options.name) {
      throw new TypeError('RedisSharedCache: sentinels need the master name (name)');
    }
    this.#options = options;
    this.#timeoutMs = options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : 1000;
    this.#description =
      typeof options.url === 'string'
        ? describeRedisUrl(options.url)
        : options.url === undefined
          ? describeRedisNodes(options)
          : (options.description ?? 'redis');
  }

  get description(): string {
    return this.#description;
  }

  get(key: string): Promise<string | undefined> {
    return this.#run(async (c) => {
      try {
        return (await c.get(key)) ?? undefined;
      } catch (err) {
        // A key of another type is garbage to credflow: report it as an unusable entry, not an outage.
        if (err instanceof Error && err.message.startsWith('WRONGTYPE')) return '';
        throw err;
      }
    });
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.#run(async (c) => {
      await c.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    });
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.#run(async (c) => (await c.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK');
  }

  deleteIf(key: string, value: string): Promise<boolean> {
    return this.#run(async (c) => (await c.eval(DELETE_IF, 1, key, value)) === 1);
  }

  delete(key: string): Promise<void> {
    return this.#run(async (c) => {
      await c.del(key);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    if (client === undefined) return;
    await client.quit().catch(() => client.disconnect());
  }

  async #run<T>(op: (client: Client) => Promise<T>): Promise<T> {
    const connecting = this.#connected();
    const client = await connecting;
    // Keep the process alive while a caller waits on Redis, and only then.
    if (this.#busy++ === 0) refStreams(client, true);
    let timer: NodeJS.Timeout | undefined;
    try {
      // commandTimeout bounds each command; this bounds a Cluster's redirections and retries too.
      return await Promise.race([
        op(client),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
    } catch (err) {
      // Whatever failed (a dead master, a replica after a failover, CLUSTERDOWN, a timeout), the next
      // operation starts from a new connection: the sentinels or the cluster say where to go now.
      if (!isReplyAboutData(err) && this.#client === connecting) {
        this.#client = undefined;
        client.disconnect();
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (--this.#busy === 0) refStreams(client, false);
    }
  }

  #connected(): Promise<Client> {
    if (this.#client === undefined) {
      const connecting = this.#connect();
      this.#client = connecting;
      connecting.catch(() => {
        if (this.#client === connecting) this.#client = undefined;
      });
    }
    return this.#client;
  }

  async #connect(): Promise<Client> {
    if (this.#closed) throw new Error('the shared cache is closed');
    const o = this.#options;
    const [url, password, sentinelPassword, tls] = await Promise.all([
      read(o.url),
      read(o.password),
      read(o.sentinelPassword),
      read(o.tls),
    ]);
    if (url !== undefined) this.#description = describeRedisUrl(url);
    const ioredis = await loadSdk<typeof import('ioredis')>('ioredis');
    const node: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.#timeoutMs,
      commandTimeout: this.#timeoutMs,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(tls !== undefined ? { tls } : {}),
    };
    let client: Client;
    if (url !== undefined) {
      client = new ioredis.Redis(url, node);
    } else if (o.sentinels !== undefined) {
      client = new ioredis.Redis({
        ...node,
        sentinels: o.sentinels.map((s) => ({ host: s.host, port: s.port })),
        name: o.name ?? '',
        ...(o.db !== undefined ? { db: o.db } : {}),
        ...(o.sentinelUsername !== undefined ? { sentinelUsername: o.sentinelUsername } : {}),
        ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
        ...(tls !== undefined ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
        sentinelRetryStrategy: () => null,
        sentinelCommandTimeout: this.#timeoutMs,
        failoverDetector: false,
      });
    } else {
      const options: ClusterOptions = {
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: () => null,
        slotsRefreshTimeout: this.#timeoutMs,
        retryDelayOnClusterDown: 50,
        retryDelayOnFailover: 50,
        retryDelayOnTryAgain: 50,
        redisOptions: node,
        // With TLS, certificates name hosts: connect to the names the cluster announces, not resolved addresses.
        ...(tls !== undefined ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      };
      client = new ioredis.Cluster(
        (o.cluster ?? []).map((n) => ({ host: n.host, port: n.port })),
        options,
      );
    }
    // Failures reach the operations that meet them; without a listener ioredis would print them.
    // The first one is kept: a refused certificate or password says more than "Connection is closed".
    let cause: Error | undefined;
    const keep = (err: unknown) => {
      if (cause === undefined && err instanceof Error) cause = err;
    };
    client.on('error', keep);
    client.on('node error', keep);
    const current = this.#client;
    client.on('end', () => {
      if (this.#client === current) this.#client = undefined;
    });
    // connectTimeout covers the TCP connection only: bound the whole handshake (a server that never answers).
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
    } catch (err) {
      client.disconnect();
      throw cause !== undefined && err instanceof Error && /closed|ready/i.test(err.message) ? cause : err;
    } finally {
      clearTimeout(timer);
    }
    refStreams(client, false);
    return client;
  }
}

async function read<T>(value: Lazy<T> | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? (value as () => Promise<T>)() : value;
}

/** A Redis error reply about the data (a key of another type), not about the connection or the topology. */
function isReplyAboutData(err: unknown): boolean {
  return err instanceof Error && /^(WRONGTYPE|NOSCRIPT)\b/.test(err.message);
}

/** Refs or unrefs the sockets of a client (every node's, for a Cluster). */
function refStreams(client: Client, ref: boolean): void {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('all') : [client as Redis];
  for (const n of nodes) {
    if (ref) n.stream?.ref();
    else n.stream?.unref();
  }
}

/** `redis host:port/db`: what a warning may say about a Redis URL (never the user or password). */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol === 'rediss:' ? 'rediss' : 'redis'} ${u.hostname}:${u.port || '6379'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'redis (URL not parsable)';
  }
}

/** `redis sentinel mymaster (10.0.0.1:26379, ...)` / `redis cluster (10.0.0.1:6379, ...)`. */
function describeRedisNodes(o: RedisSharedCacheOptions): string {
  const list = (nodes: readonly RedisNodeAddress[]) =>
    nodes
      .slice(0, 3)
      .map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`)
      .join(', ') + (nodes.length > 3 ? `, +${nodes.length - 3}` : '');
  const tls = o.tls !== undefined ? ', TLS' : '';
  if (o.sentinels !== undefined) return `redis sentinel ${o.name} (${list(o.sentinels)}${tls})`;
  return `redis cluster (${list(o.cluster ?? [])}${tls})`;
}
