import type { Redis } from 'ioredis';
import type { SharedCache } from './shared-cache.js';

/** Options of {@link RedisSharedCache}. */
export interface RedisSharedCacheOptions {
  /**
   * `redis://[user:password@]host:port/db` or `rediss://...` (TLS), or a
   * function reading it on first use (from an environment variable or a file).
   */
  url: string | (() => Promise<string>);
  /** Connect and command timeout in ms (default 1,000): a slower Redis counts as unavailable. */
  timeoutMs?: number;
  /** Names the store in warnings until the URL has been read. */
  description?: string;
}

/** Deletes KEYS[1] only if it still holds ARGV[1] (lock release by its owner, conditional invalidation). */
const DELETE_IF = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * A {@link SharedCache} on Redis (SPEC section 8), through ioredis, which is
 * imported only when one is used.
 *
 * Failure is made fast rather than patient, because every caller has a
 * fallback (mint in this process): no offline queue, no retries per
 * command, a `timeoutMs` on connecting and on each command, and no
 * background reconnection: after the connection is lost, the next
 * operation connects anew. The socket does not keep the process alive
 * while nothing waits on it.
 */
export class RedisSharedCache implements SharedCache {
  readonly #url: RedisSharedCacheOptions['url'];
  readonly #timeoutMs: number;
  #description: string;
  #client: Promise<Redis> | undefined;
  #busy = 0;
  #closed = false;

  constructor(options: RedisSharedCacheOptions) {
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : 1000;
    this.#description =
      typeof options.url === 'string' ? describeRedisUrl(options.url) : (options.description ?? 'redis');
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

  async #run<T>(op: (client: Redis) => Promise<T>): Promise<T> {
    const client = await this.#connected();
    // Keep the process alive while a caller waits on Redis, and only then.
    if (this.#busy++ === 0) client.stream?.ref();
    try {
      return await op(client);
    } finally {
      if (--this.#busy === 0) client.stream?.unref();
    }
  }

  #connected(): Promise<Redis> {
    if (this.#client === undefined) {
      const connecting = this.#connect();
      this.#client = connecting;
      connecting.catch(() => {
        if (this.#client === connecting) this.#client = undefined;
      });
    }
    return this.#client;
  }

  async #connect(): Promise<Redis> {
    if (this.#closed) throw new Error('the shared cache is closed');
    const url = typeof this.#url === 'string' ? this.#url : await this.#url();
    this.#description = describeRedisUrl(url);
    const { Redis } = await import('ioredis');
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.#timeoutMs,
      commandTimeout: this.#timeoutMs,
      retryStrategy: () => null,
      reconnectOnError: () => false,
    });
    // Failures reach the operations that meet them; without a listener ioredis would print them.
    client.on('error', () => {});
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
      throw err;
    } finally {
      clearTimeout(timer);
    }
    client.stream?.unref();
    return client;
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
