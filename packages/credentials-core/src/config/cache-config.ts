import { z } from 'zod';
import { lazily } from '../lazily.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import { durationField, secretRefField } from './fields.js';

/**
 * Where a value that is not a secret but must not be written in the config
 * comes from (a Redis URL may hold a password): an environment variable or
 * a file (relative to the config file).
 */
const buildEnvOrFileField = () =>
  z
    .strictObject(
      {
        env: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
          .optional(),
        file: z.string().min(1).optional(),
      },
      {
        error: (iss) =>
          iss.code === 'invalid_type'
            ? typeof iss.input === 'string'
              ? 'write the URL in an environment variable or a file: { env: CREDFLOW_REDIS_URL } or { file: /path/to/url }'
              : 'expected { env: VARIABLE } or { file: /path/to/file }'
            : undefined,
      },
    )
    .refine(
      (v) => (v.env === undefined) !== (v.file === undefined),
      'expected one of { env: VARIABLE } or { file: /path/to/file }',
    )
    .transform((v): { env: string } | { file: string } =>
      v.env !== undefined ? { env: v.env } : { file: v.file ?? '' },
    );

/** `cache.shared` (SPEC section 8): one type, `redis`. */
const buildSharedCacheField = () =>
  z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('redis'),
        url: buildEnvOrFileField(),
        encryptionKey: secretRefField(),
        lockTtl: durationField().prefault('PT10S'),
        waitTimeout: durationField().prefault('PT15S'),
        timeout: durationField().prefault('PT1S'),
      }),
    ],
    { error: (iss) => (iss.code === 'invalid_union' ? 'unknown shared cache type: expected redis' : undefined) },
  );

/** The top-level `cache:` block of `credflow.yaml`, built on first use (a run without a config file never needs it). */
const buildCacheConfigField = () => z.strictObject({ shared: buildSharedCacheField().optional() });
export const cacheConfigField = lazily(buildCacheConfigField);

/** `cache.shared` once loaded (durations in ms; a `file` URL path absolute). */
export interface SharedCacheConfig {
  type: 'redis';
  url: { env: string } | { file: string };
  encryptionKey: SecretRef;
  lockTtl: number;
  waitTimeout: number;
  timeout: number;
}

/** The top-level `cache:` block once loaded. */
export interface CacheConfig {
  shared?: SharedCacheConfig;
}
