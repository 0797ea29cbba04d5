import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type { SharedCacheConfig } from '../../config/cache-config.js';
import type { SecretRef } from '../../config/secret-ref.js';
import { RedisSharedCache, type RedisSharedCacheOptions } from './redis-shared-cache.js';
import { SharedCacheKeyError } from './shared-cache-errors.js';
import type { SharedCacheOptions } from './shared-cache-options.js';

/**
 * The store's shared-cache options from `cache.shared` (SPEC section 8):
 * the URL read from its variable or file, passwords and the key from the
 * secret store, the CA from its file, all on first use.
 * @param readSecret resolves a secret reference through the default tenant's providers.
 */
export function sharedCacheFromConfig(
  config: SharedCacheConfig,
  readSecret: (ref: SecretRef) => Promise<string>,
): SharedCacheOptions {
  const secret = (ref: SecretRef, field: string) => async () => {
    try {
      return await readSecret(ref);
    } catch (err) {
      // The cache is then unavailable (calls mint in their process, one warning naming the field).
      throw new Error(`cannot read secret '${ref.secret}' (cache.shared.${field})`, { cause: err });
    }
  };
  const redis: RedisSharedCacheOptions = {
    timeoutMs: config.timeout,
    ...(config.sentinels !== undefined ? { sentinels: config.sentinels, name: config.name ?? '' } : {}),
    ...(config.cluster !== undefined ? { cluster: config.cluster } : {}),
    ...(config.db !== undefined ? { db: config.db } : {}),
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: secret(config.password, 'password') } : {}),
    ...(config.sentinelUsername !== undefined ? { sentinelUsername: config.sentinelUsername } : {}),
    ...(config.sentinelPassword !== undefined
      ? { sentinelPassword: secret(config.sentinelPassword, 'sentinelPassword') }
      : {}),
    ...(config.tls !== undefined ? { tls: tlsOptions(config.tls) } : {}),
  };
  if (config.url !== undefined) {
    const ref = config.url;
    const source = 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
    redis.url = () => readUrl(ref, source);
    redis.description = `redis (URL from ${source})`;
  }
  return {
    cache: new RedisSharedCache(redis),
    encryptionKey: async () => {
      try {
        return await readSecret(config.encryptionKey);
      } catch (err) {
        throw new SharedCacheKeyError(
          `cannot read secret '${config.encryptionKey.secret}' (cache.shared.encryptionKey)`,
          {
            cause: err,
          },
        );
      }
    },
    lockTtlMs: config.lockTtl,
    waitTimeoutMs: config.waitTimeout,
  };
}

/** `tls:` as Node's TLS options, the CA read from its file on first use. */
function tlsOptions(tls: NonNullable<SharedCacheConfig['tls']>): () => Promise<ConnectionOptions> {
  return async () => {
    const options: ConnectionOptions = {};
    if (tls.servername !== undefined) options.servername = tls.servername;
    if (tls.ca !== undefined) {
      try {
        options.ca = await readFile(tls.ca, 'utf8');
      } catch (err) {
        throw new Error(`cache.shared.tls.ca: cannot read ${tls.ca} (${(err as NodeJS.ErrnoException).code})`);
      }
    }
    return options;
  };
}

async function readUrl(ref: { env: string } | { file: string }, source: string): Promise<string> {
  let url: string | undefined;
  if ('env' in ref) url = process.env[ref.env];
  else url = (await readFile(ref.file, 'utf8').catch(() => undefined))?.trim();
  if (!url) throw new Error(`cache.shared.url: ${source} is not set or cannot be read`);
  return url;
}
