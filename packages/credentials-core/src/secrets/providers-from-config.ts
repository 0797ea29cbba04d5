import { relative } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import type { SecretProviderConfig } from '../config/secret-provider-schema.js';
import { AwsSecretsManagerProvider } from './aws-secrets-manager-provider.js';
import { AzureKeyVaultProvider } from './azure-key-vault-provider.js';
import { CachedSecretProvider } from './cached-provider.js';
import { EnvSecretProvider } from './env-provider.js';
import { FileSecretProvider } from './file-provider.js';
import { GcpSecretManagerProvider } from './gcp-secret-manager-provider.js';
import type { SecretProvider } from './secret-provider.js';
import { VaultSecretProvider } from './vault-provider.js';

/** What building providers needs besides their config. */
export interface ProviderContext {
  /** Directory relative bootstrap `{ file: PATH }` values are read from (the config file's). */
  baseDir?: string;
  clock?: Clock;
}

/**
 * Builds the providers of one `secrets:` list. External managers are
 * wrapped in their `cacheTtl` cache; none loads its SDK until it is asked for
 * a secret, so a config that lists them costs nothing at start-up.
 */
export function providersFromConfig(
  configs: readonly SecretProviderConfig[],
  context: ProviderContext = {},
): SecretProvider[] {
  const baseDir = context.baseDir ?? process.cwd();
  const clock = context.clock ?? systemClock;
  return configs.map((c) => build(c, baseDir, clock));
}

function build(c: SecretProviderConfig, baseDir: string, clock: Clock): SecretProvider {
  switch (c.type) {
    case 'env':
      return new EnvSecretProvider({ encoding: c.encoding, prefix: c.prefix });
    case 'file':
      return new FileSecretProvider(c.dir, `./${relative(process.cwd(), c.dir) || '.'}`.replace(/^\.\/\.\./, '..'));
    case 'vault':
      return new CachedSecretProvider(new VaultSecretProvider(c, { baseDir, clock }), c.cacheTtl, clock);
    case 'aws-secrets-manager':
      return new CachedSecretProvider(new AwsSecretsManagerProvider(c), c.cacheTtl, clock);
    case 'gcp-secret-manager':
      return new CachedSecretProvider(new GcpSecretManagerProvider(c), c.cacheTtl, clock);
    case 'azure-key-vault':
      return new CachedSecretProvider(new AzureKeyVaultProvider(c), c.cacheTtl, clock);
  }
}
