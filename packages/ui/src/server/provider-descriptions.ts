import type { CredflowConfig, SecretProvider } from '@credflow/credentials-core';

/** Where secrets come from, for the page's header: file providers with their absolute folder. */
export function providerDescriptions(config: CredflowConfig, override?: readonly SecretProvider[]): string[] {
  if (override) return override.map((p) => p.description);
  return config.secrets.map((s) => (s.type === 'env' ? `env SECRET_<NAME> (${s.encoding})` : `file ${s.dir}`));
}
