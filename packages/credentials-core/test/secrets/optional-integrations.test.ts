// Optional integrations (SPEC section 1): the cloud SDKs and ioredis are
// optional peer dependencies of credentials-core. A config naming one that
// is not installed fails at load, at the provider's `type`, with the exact
// install command. "Not installed" is simulated by the one module that
// looks for packages; the real thing (a project installed from packed
// tarballs without them) is packages/cli/test/pack-install-weight.e2e.test.ts.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/load-config.js';
import { isPackageMissing, loadSdk } from '../../src/load-sdk.js';
import { installCommand, OPTIONAL_INTEGRATIONS, type OptionalPackage } from '../../src/optional-packages.js';
import { isPackageInstalled } from '../../src/package-installed.js';
import { configError } from '../helpers/config-error.js';

const absent = new Set<string>();
vi.mock('../../src/package-installed.js', async (original) => {
  const real = await original<typeof import('../../src/package-installed.js')>();
  return { isPackageInstalled: (name: string) => !absent.has(name) && real.isPackageInstalled(name) };
});
afterEach(() => absent.clear());

const pkg = (p: string) =>
  JSON.parse(readFileSync(new URL(`../../../${p}/package.json`, import.meta.url), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };

describe('a config naming an integration that is not installed fails at load with the install command', () => {
  it('aws-secrets-manager', () => {
    absent.add('@aws-sdk/client-secrets-manager');
    const e = configError('secrets:\n  - type: env\n  - type: aws-secrets-manager\n    region: eu-west-1\n');
    expect(e.message).toContain('npm install @aws-sdk/client-secrets-manager@^3');
    expect(e.message).toContain('credflow.yaml:3: secrets[1].type: ');
  });

  it('gcp-secret-manager', () => {
    absent.add('@google-cloud/secret-manager');
    const e = configError('secrets:\n  - type: gcp-secret-manager\n    project: my-project\n');
    expect(e.message).toContain('npm install @google-cloud/secret-manager@^6');
  });

  it('azure-key-vault: only the missing package of the two', () => {
    absent.add('@azure/keyvault-secrets');
    let e = configError('secrets:\n  - type: azure-key-vault\n    vaultUrl: https://v.vault.azure.net\n');
    expect(e.message).toContain('npm install @azure/keyvault-secrets@^4');
    expect(e.message).not.toContain('@azure/identity@');
    absent.add('@azure/identity');
    e = configError('secrets:\n  - type: azure-key-vault\n    vaultUrl: https://v.vault.azure.net\n');
    expect(e.message).toContain('npm install @azure/identity@^4 @azure/keyvault-secrets@^4');
  });

  it('cache.shared type redis (ioredis)', () => {
    absent.add('ioredis');
    const e = configError(
      'cache:\n  shared:\n    type: redis\n    url: { env: R }\n    encryptionKey: { secret: K }\ncredentials: {}\n',
    );
    expect(e.message).toContain('npm install ioredis@^5');
    expect(e.message).toContain('cache.shared.type');
  });

  it('in a tenant and a namespace too', () => {
    absent.add('@aws-sdk/client-secrets-manager');
    const e = configError(
      'tenants:\n  acme:\n    secrets:\n      - type: aws-secrets-manager\n        region: eu-west-1\n    credentials: {}\n',
    );
    expect(e.message).toContain('npm install @aws-sdk/client-secrets-manager@^3');
  });

  it('a config that names none loads whatever is missing', () => {
    for (const i of Object.values(OPTIONAL_INTEGRATIONS)) for (const p of i.packages) absent.add(p.name);
    expect(() => parseConfig('secrets:\n  - type: env\n  - type: file\n    dir: ./s\n', {})).not.toThrow();
  });
});

describe('packages', () => {
  it('the optional libraries are optional peer dependencies of core (ranges as in the install command), devDependencies for its tests, dependencies of the CLI', () => {
    const core = pkg('credentials-core');
    const cli = pkg('cli');
    const all = Object.values(OPTIONAL_INTEGRATIONS).flatMap((i): readonly OptionalPackage[] => i.packages);
    expect(Object.keys(core.peerDependencies ?? {}).sort()).toEqual(all.map((p) => p.name).sort());
    for (const p of all) {
      expect(core.peerDependencies?.[p.name]).toBe(p.range);
      expect(core.peerDependenciesMeta?.[p.name]?.optional).toBe(true);
      expect(core.dependencies?.[p.name]).toBeUndefined();
      expect(core.devDependencies?.[p.name]).toBeDefined();
      expect(cli.dependencies?.[p.name]).toBe(core.devDependencies?.[p.name]); // the CLI brings them all
    }
    expect(installCommand(all.slice(0, 1))).toBe('npm install @aws-sdk/client-secrets-manager@^3');
  });

  it('finds installed packages (the check is not vacuous)', () => {
    expect(isPackageInstalled('ioredis')).toBe(true);
    expect(isPackageInstalled('zod')).toBe(true);
    expect(isPackageInstalled('credflow-no-such-package')).toBe(false);
  });

  it('loading a library that is not installed rejects with the install command (programmatic use, first use)', async () => {
    const err = await loadSdk('credflow-no-such-package').catch((e: unknown) => e);
    expect(isPackageMissing(err)).toBe(true);
    expect((err as Error).message).toBe(
      'credflow-no-such-package is not installed: npm install credflow-no-such-package',
    );
  });
});
