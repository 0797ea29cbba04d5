import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNotInstalled, notInstalledMessage, OPTIONAL_LIBRARIES } from '../../src/stdlib/optional-libraries.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('optional libraries (jq-web, ion-js)', () => {
  it.each(Object.values(OPTIONAL_LIBRARIES))(
    '$name is an optional peer dependency with the range the message names',
    (lib) => {
      expect(pkg.peerDependencies[lib.name]).toBe(lib.range);
      expect(pkg.peerDependenciesMeta[lib.name]?.optional).toBe(true);
      expect(pkg.dependencies[lib.name]).toBeUndefined();
    },
  );

  it('a template using one that is not installed is told the exact install command', () => {
    expect(notInstalledMessage(OPTIONAL_LIBRARIES.jq)).toBe(
      "the 'jq' filter needs jq-web, which is not installed (an optional dependency of @credflow/template-extension): npm install jq-web@~0.6.2",
    );
    expect(notInstalledMessage(OPTIONAL_LIBRARIES.ion)).toContain('npm install ion-js@^5.2.1');
  });

  it('tells a package that is not installed from an error inside one', async () => {
    const missing = await import('credflow-no-such-package' as string).catch((e: unknown) => e);
    expect(isNotInstalled(missing, 'credflow-no-such-package')).toBe(true);
    expect(isNotInstalled(missing, 'ion-js')).toBe(false);
    expect(isNotInstalled(new Error("Cannot find module 'ion-js'"), 'ion-js')).toBe(false);
  });
});
