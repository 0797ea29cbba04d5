import { access } from 'node:fs/promises';
import { CredentialStore, findConfigPath, Masker } from '@credflow/credentials-core';
import { didYouMean, emptyConfig, parseSchemasWithoutCodegen } from '@credflow/credentials-core/internal';
import type { CliIo } from './io.js';
import { retryNotice } from './retry-notice.js';

// The command parses its config and flow once: zod's generated fast paths would cost more than they save.
parseSchemasWithoutCodegen();

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
  // Warnings come from inside a mint (retries, odd expires_in): masked with every value the store produced.
  const masker = new Masker();
  // A retry of a token request is said as a notice (SPEC section 6: a line while a retry waits).
  const logger = {
    warn: (m: string) => {
      const retry = retryNotice(m);
      io.stderr(retry ? `credflow: ${masker.mask(retry)}\n` : `credflow warning: ${masker.mask(m)}\n`);
    },
  };
  let store: CredentialStore | undefined;
  if (!explicit) {
    try {
      await access(path);
    } catch {
      store = new CredentialStore(emptyConfig(NO_CONFIG, process.cwd()), { logger });
    }
  }
  store ??= await CredentialStore.fromFile(path, { logger });
  store.onSensitiveValue(masker.add);
  return store;
}

/**
 * Warns when `--tenant` names a tenant `credflow.yaml` does not define (it
 * would silently have no credentials), with the closest known one.
 */
export function warnUnknownTenant(store: CredentialStore, tenant: string | undefined, io: CliIo): void {
  if (!tenant || store.config.file === NO_CONFIG || store.config.tenants.has(tenant)) return;
  io.stderr(
    `credflow warning: tenant '${tenant}' is not defined in ${store.config.file}${didYouMean(tenant, store.config.tenants.keys())}: it has no credentials\n`,
  );
}
