import { DEFAULT_TENANT } from './load-config.js';
import type { CredflowConfig } from './types.js';

/**
 * The config of an empty `credflow.yaml`: what `parseConfig('')` returns,
 * without building the config schema (the command uses it when no config
 * file exists, so a run that needs no credential does not pay for the
 * schema of every grant type). The default tenant reads the `env` provider
 * with its defaults; test/config/empty-config.test.ts holds it equal to the
 * parsed empty file.
 */
export function emptyConfig(file: string, baseDir: string): CredflowConfig {
  const secrets = () => [{ type: 'env' as const, encoding: 'base64' as const, prefix: 'SECRET_' }];
  return {
    file,
    baseDir,
    templates: {},
    tasks: { process: { enabled: false } },
    secrets: secrets(),
    tenants: new Map([[DEFAULT_TENANT, { credentials: new Map(), namespaces: new Map(), secrets: secrets() }]]),
  };
}
