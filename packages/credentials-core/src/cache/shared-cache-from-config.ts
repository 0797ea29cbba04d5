import { readFile } from 'node:fs/promises';
import type { SharedCacheConfig } from '../config/cache-config.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import { RedisSharedCache } from './redis-shared-cache.js';
import { SharedCacheKeyError } from './shared-cache-errors.js';
import type { SharedCacheOptions } from './shared-tokens.js';

/**
 * The store's shared-cache options from `cache.shared` (SPEC section 8):
 * the URL read from its variable or file and the key from the secret store,
 * both on first use.
 * @param readSecret resolves a secret reference through the default tenant's providers.
 */
export function sharedCacheFromConfig(
  config: SharedCacheConfig,
  readSecret: (ref: SecretRef) => Promise<string>,
): SharedCacheOptions {
  const source = 'env' in config.url ? `environment variable ${config.url.env}` : `file ${config.url.file}`;
  return {
    cache: new RedisSharedCache({
      url: () => readUrl(config.url, source),
      timeoutMs: config.timeout,
      description: `redis (URL from ${source})`,
    }),
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

async function readUrl(ref: SharedCacheConfig['url'], source: string): Promise<string> {
  let url: string | undefined;
  if ('env' in ref) url = process.env[ref.env];
  else url = (await readFile(ref.file, 'utf8').catch(() => undefined))?.trim();
  if (!url) throw new Error(`cache.shared.url: ${source} is not set or cannot be read`);
  return url;
}
