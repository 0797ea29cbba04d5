import type { CredentialStore } from '@credflow/credentials-core';
import { flowTemplateChecker, type templateEnvironments } from '@credflow/flow-runner';
import { knownSecrets, withSecretCheck } from './flow-secrets.js';
import { NO_CONFIG } from './load-store.js';

/**
 * The template check `run` and `validate` give `loadFlow` (SPEC section 6):
 * the runner's (syntax, sandbox, names, credential keys of the flow's
 * scope), and literal secret names against what the scope's providers
 * list. Without a credflow.yaml neither key nor name is checked: nothing
 * would be found.
 */
export async function flowChecker(
  store: CredentialStore,
  tenantId: string,
  envOf: ReturnType<typeof templateEnvironments>,
): Promise<ReturnType<typeof flowTemplateChecker>> {
  const withConfig = store.config.file !== NO_CONFIG;
  const check = flowTemplateChecker(envOf, store, tenantId, withConfig);
  return withConfig ? withSecretCheck(check, envOf, await knownSecrets(store, tenantId), tenantId) : check;
}
