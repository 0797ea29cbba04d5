import { isPackageInstalled } from './package-installed.js';

/** A package an integration needs, with the version range credflow supports (its optional peer dependency). */
export interface OptionalPackage {
  name: string;
  range: string;
}

/**
 * The integrations whose libraries are optional peer dependencies of
 * `@credflow/credentials-core` (README, "Packages and optional
 * integrations"): a host app installs only those its config names;
 * `@credflow/cli` depends on all of them. Ranges as in package.json's
 * `peerDependencies` (a test keeps them equal).
 */
export const OPTIONAL_INTEGRATIONS = {
  'aws-secrets-manager': {
    what: 'secret provider type aws-secrets-manager',
    packages: [{ name: '@aws-sdk/client-secrets-manager', range: '^3' }],
  },
  'gcp-secret-manager': {
    what: 'secret provider type gcp-secret-manager',
    packages: [{ name: '@google-cloud/secret-manager', range: '^6' }],
  },
  'azure-key-vault': {
    what: 'secret provider type azure-key-vault',
    packages: [
      { name: '@azure/identity', range: '^4' },
      { name: '@azure/keyvault-secrets', range: '^4' },
    ],
  },
  redis: {
    what: 'the shared token cache on Redis (cache.shared type redis)',
    packages: [{ name: 'ioredis', range: '^5' }],
  },
} as const satisfies Record<string, { what: string; packages: readonly OptionalPackage[] }>;

export type OptionalIntegration = keyof typeof OPTIONAL_INTEGRATIONS;

/** `npm install a@^1 b@^2`: the command that installs `packages`. */
export function installCommand(packages: readonly OptionalPackage[]): string {
  return `npm install ${packages.map((p) => `${p.name}@${p.range}`).join(' ')}`;
}

/** The integration `packageName` belongs to, if it is one of the optional packages. */
export function integrationOf(packageName: string): OptionalIntegration | undefined {
  for (const [id, i] of Object.entries(OPTIONAL_INTEGRATIONS)) {
    if (i.packages.some((p) => p.name === packageName)) return id as OptionalIntegration;
  }
  return undefined;
}

/**
 * What to tell a user whose config names `integration` while its packages
 * are not installed (with the exact install command), or `undefined` when
 * they are.
 */
export function notInstalledMessage(integration: OptionalIntegration): string | undefined {
  const { what, packages } = OPTIONAL_INTEGRATIONS[integration];
  const missing = packages.filter((p) => !isPackageInstalled(p.name));
  if (missing.length === 0) return undefined;
  return missingMessage(what, packages, missing);
}

/** The message for an integration whose `missing` packages could not be imported. */
export function missingMessage(
  what: string,
  packages: readonly OptionalPackage[],
  missing: readonly OptionalPackage[] = packages,
): string {
  const names = missing.map((p) => p.name).join(' and ');
  return `${what} needs ${names}, which ${missing.length > 1 ? 'are' : 'is'} not installed (an optional dependency of @credflow/credentials-core): ${installCommand(missing)}`;
}
