import { relative } from 'node:path';
import { type Clock, type Logger, systemClock } from '../clock.js';
import type { SecretProviderConfig } from '../config/secret-provider-schema.js';
import { AwsSecretsManagerProvider } from './aws-secrets-manager-provider.js';
import { AzureKeyVaultProvider } from './azure-key-vault-provider.js';
import { CachedSecretProvider } from './cached-provider.js';
import { EnvSecretProvider } from './env-provider.js';
import { FileSecretProvider } from './file-provider.js';
import { GcpSecretManagerProvider } from './gcp-secret-manager-provider.js';
import type { SecretProvider } from './secret-provider.js';
import { traceSecretProvider } from './secret-read-trace.js';
import { VaultSecretProvider } from './vault-provider.js';

/** What building providers needs besides their config. */
export interface ProviderContext {
  /** Directory relative bootstrap `{ file: PATH }` values are read from (the config file's). */
  baseDir?: string;
  clock?: Clock;
  /** Where providers warn. */
  logger?: Logger;
}

/**
 * Builds the providers of one `secrets:` list. External managers are
 * wrapped in their `cacheTtl` cache; none loads its SDK until it is asked for
 * a secret, so a config that lists them costs nothing at start-up.
 *
 * Each external manager (Vault, AWS Secrets Manager, GCP Secret Manager,
 * Azure Key Vault) is traced with {@link traceSecretProvider} *under* its
 * cache: `cache(trace(remote))`. A `credflow.secret.read` span and a
 * `credflow.secret.reads` count therefore stand for a request that reached
 * the manager (a fresh read of the rotation rule included, marked
 * `credflow.secret.fresh`); a value served from the cache produces neither.
 * `env` and `file` providers are not traced: they read this process's
 * environment or disk, cost no request, and would add a span to every
 * mint.
 */
export function providersFromConfig(
  configs: readonly SecretProviderConfig[],
  context: ProviderContext = {},
): SecretProvider[] {
  const baseDir = context.baseDir ?? process.cwd();
  const clock = context.clock ?? systemClock;
  return configs.map((c) => build(c, baseDir, clock, context.logger));
}

function build(c: SecretProviderConfig, baseDir: string, clock: Clock, logger: Logger | undefined): SecretProvider {
  switch (c.type) {
    case 'env':
      return new EnvSecretProvider({
        encoding: c.encoding,
        prefix: c.prefix,
        ...(logger ? { logger } : {}),
      });
    case 'file':
      return new FileSecretProvider(c.dir, `./${relative(process.cwd(), c.dir) || '.'}`.replace(/^\.\/\.\./, '..'));
    case 'vault':
      return remote(new VaultSecretProvider(c, { baseDir, clock }), c.cacheTtl, clock);
    case 'aws-secrets-manager':
      return remote(new AwsSecretsManagerProvider(c), c.cacheTtl, clock);
    case 'gcp-secret-manager':
      return remote(new GcpSecretManagerProvider(c), c.cacheTtl, clock);
    case 'azure-key-vault':
      return remote(new AzureKeyVaultProvider(c), c.cacheTtl, clock);
  }
}

/** A remote manager, traced, in its cache (the cache outside: hits are not remote reads). */
function remote(provider: SecretProvider, ttlMs: number, clock: Clock): CachedSecretProvider {
  return new CachedSecretProvider(traceSecretProvider(provider), ttlMs, clock);
}
