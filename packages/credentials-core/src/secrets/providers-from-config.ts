import { relative } from 'node:path';
import type { SecretProviderConfig } from '../config/types.js';
import { EnvSecretProvider } from './env-provider.js';
import { FileSecretProvider } from './file-provider.js';
import type { SecretProvider } from './secret-provider.js';

/** Builds the providers listed under `secrets:` in the config. */
export function providersFromConfig(configs: readonly SecretProviderConfig[]): SecretProvider[] {
  return configs.map((c) =>
    c.type === 'env'
      ? new EnvSecretProvider({ encoding: c.encoding })
      : new FileSecretProvider(c.dir, `./${relative(process.cwd(), c.dir) || '.'}`.replace(/^\.\/\.\./, '..')),
  );
}
