import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { lazily } from '../lazily.js';
import { notInstalledMessage } from '../optional-packages.js';
import { durationField, secretRefField } from './fields.js';
import type { SecretRef } from './secret-ref.js';

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

/** `host:port` (`[::1]:7000` for IPv6): a Sentinel or Cluster node. Addresses are not secrets. */
const buildNodeField = () =>
  z
    .string({ error: 'expected host:port, e.g. 10.0.0.5:26379' })
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/, 'expected host:port, e.g. 10.0.0.5:26379')
    .transform((s): RedisNode => {
      const at = s.lastIndexOf(':');
      return { host: s.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(s.slice(at + 1)) };
    })
    .refine((n) => n.port >= 1 && n.port <= 65_535, 'the port must be between 1 and 65535');

/** `tls: true` or `tls: { ca, servername }`: TLS to the servers (and to the sentinels). */
const buildTlsField = () =>
  z.union(
    [
      z.literal(true).transform((): RedisTlsConfig => ({})),
      z.strictObject({
        /** PEM file of the CA(s) that signed the servers' certificates (relative to the config file). */
        ca: z.string().min(1).optional(),
        /** The name the servers' certificates are checked against (SNI), when it differs from the host. */
        servername: z.string().min(1).optional(),
      }),
    ],
    { error: () => 'expected true or { ca: ./ca.pem, servername: redis.example.com }' },
  );

/**
 * `cache.shared` (SPEC section 8): one type, `redis`, reached in one of
 * three ways: `url` (one server, or a proxy; `rediss://` for TLS),
 * `sentinels` + `name` (Redis Sentinel) or `cluster` (Redis Cluster).
 */
const buildSharedCacheField = () => {
  const node = buildNodeField();
  const nodes = (what: string) => z.array(node).min(1, `list at least one ${what} as host:port`).max(64);
  const redis = z
    .strictObject({
      type: z.literal('redis'),
      url: buildEnvOrFileField().optional(),
      sentinels: nodes('sentinel').optional(),
      name: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'the master name the sentinels monitor, e.g. mymaster')
        .optional(),
      cluster: nodes('cluster node').optional(),
      db: z.number().int().min(0).max(15).optional(),
      username: z.string().min(1).max(256).optional(),
      password: secretRefField().optional(),
      sentinelUsername: z.string().min(1).max(256).optional(),
      sentinelPassword: secretRefField().optional(),
      tls: buildTlsField().optional(),
      encryptionKey: secretRefField(),
      lockTtl: durationField().prefault('PT10S'),
      waitTimeout: durationField().prefault('PT15S'),
      timeout: durationField().prefault('PT1S'),
    })
    .superRefine((v, ctx) => {
      const ways = (['url', 'sentinels', 'cluster'] as const).filter((k) => v[k] !== undefined);
      if (ways.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ways.length > 1 ? [ways[1] as string] : [],
          message:
            ways.length > 1
              ? `give one of url, sentinels or cluster, not ${ways.join(' and ')}`
              : 'say where Redis is: url (one server), sentinels with name (Redis Sentinel) or cluster (Redis Cluster)',
        });
        return;
      }
      const not = (field: keyof typeof v, why: string) => {
        if (v[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
      };
      if (v.url !== undefined) {
        not('username', 'with url, the user name goes in the URL (redis://user:password@host:6379/0)');
        not('password', 'with url, the password goes in the URL (redis://user:password@host:6379/0)');
        not('db', 'with url, the database number goes in the URL (redis://host:6379/2)');
      }
      if (v.sentinels !== undefined && v.name === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: 'name the master the sentinels monitor (name: mymaster)',
        });
      }
      if (v.sentinels === undefined) {
        not('name', 'name is the master name of Redis Sentinel: only with sentinels');
        not('sentinelUsername', 'only with sentinels');
        not('sentinelPassword', 'only with sentinels');
      }
      if (v.cluster !== undefined) not('db', 'Redis Cluster has database 0 only');
      const missing = notInstalledMessage('redis');
      if (missing !== undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: missing });
    });
  return z.discriminatedUnion('type', [redis], {
    error: (iss) => (iss.code === 'invalid_union' ? 'unknown shared cache type: expected redis' : undefined),
  });
};

/** The top-level `cache:` block of `credflow.yaml`, built on first use (a run without a config file never needs it). */
const buildCacheConfigField = () => z.strictObject({ shared: buildSharedCacheField().optional() });
export const cacheConfigField = lazily(buildCacheConfigField);

/** A Redis Sentinel or Cluster node. */
export interface RedisNode {
  host: string;
  port: number;
}

/** TLS towards Redis: the CA file (absolute once loaded) and the expected server name. */
export interface RedisTlsConfig {
  ca?: string;
  servername?: string;
}

/**
 * `cache.shared` once loaded (durations in ms; `file` paths absolute).
 * Exactly one of `url`, `sentinels` (with `name`) and `cluster` is set.
 */
export interface SharedCacheConfig {
  type: 'redis';
  /** One server (or a proxy): `redis://` or `rediss://` URL, from an environment variable or a file. */
  url?: { env: string } | { file: string };
  /** Redis Sentinel: the sentinels asked for the address of master `name`. */
  sentinels?: RedisNode[];
  name?: string;
  /** Redis Cluster: seed nodes (the others are discovered). */
  cluster?: RedisNode[];
  db?: number;
  username?: string;
  password?: SecretRef;
  sentinelUsername?: string;
  sentinelPassword?: SecretRef;
  tls?: RedisTlsConfig;
  encryptionKey: SecretRef;
  lockTtl: number;
  waitTimeout: number;
  timeout: number;
}

/** The top-level `cache:` block once loaded. */
export interface CacheConfig {
  shared?: SharedCacheConfig;
}

/** `cache.shared` with its `file` paths (URL file, TLS CA) made absolute, relative to `baseDir` (the config file's). */
export function absoluteSharedCachePaths(shared: SharedCacheConfig, baseDir: string): SharedCacheConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...shared,
    ...(shared.url && 'file' in shared.url ? { url: { file: abs(shared.url.file) } } : {}),
    ...(shared.tls?.ca !== undefined ? { tls: { ...shared.tls, ca: abs(shared.tls.ca) } } : {}),
  };
}
