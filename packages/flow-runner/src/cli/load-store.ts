import { access } from 'node:fs/promises';
import { CredentialStore, findConfigPath } from '@credflow/credentials-core';
import type { CliIo } from './io.js';

/** The label of the empty store used when no config file exists. */
export const NO_CONFIG = '(no credflow.yaml)';

/**
 * The store for a command: `--config`, else `$CREDFLOW_CONFIG`, else
 * `./credflow.yaml`. A missing default file means "no credentials" (a flow
 * may need none); a missing file that was asked for is an error.
 */
export async function loadStore(configFlag: string | undefined, io: CliIo): Promise<CredentialStore> {
  const explicit = Boolean(configFlag || io.env.CREDFLOW_CONFIG);
  const path = findConfigPath(configFlag, io.env);
  const logger = { warn: (m: string) => io.stderr(`credflow warning: ${m}\n`) };
  if (!explicit) {
    try {
      await access(path);
    } catch {
      return CredentialStore.fromYaml('', { file: NO_CONFIG, logger });
    }
  }
  return CredentialStore.fromFile(path, { logger });
}
