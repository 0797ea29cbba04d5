/**
 * A bundle (the `credflow` CLI, or a host app built with a bundler) carries
 * its own nunjucks, which is not in Node's module cache. These tests make
 * such a copy: a second nunjucks loaded from node_modules and then taken out
 * of the cache, as a bundler's copy would be.
 */
import { createRequire } from 'node:module';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import type { Environment } from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, renderString } from '../src/index.js';
import { type NunjucksModules, registerNunjucksModules } from '../src/internal.js';

const require = createRequire(import.meta.url);
const store = CredentialStore.fromYaml('credentials: {}\n', { secretProviders: [new EnvSecretProvider({ env: {} })] });

/** A copy of nunjucks that Node's module cache does not hold; the cache is left as it was. */
function uncachedNunjucks(): { Environment: new () => Environment; modules: NunjucksModules } {
  const isNunjucks = (file: string) => file.includes('/node_modules/nunjucks/');
  const saved = Object.entries(require.cache).filter(([file]) => isNunjucks(file));
  for (const [file] of saved) delete require.cache[file];
  try {
    const copy = require('nunjucks') as { Environment: new () => Environment };
    const src = (name: string) => require(require.resolve(`nunjucks/src/${name}.js`));
    const modules = {
      environment: src('environment'),
      parser: src('parser'),
      nodes: src('nodes'),
      lib: src('lib'),
      runtime: src('runtime'),
    } as NunjucksModules;
    return { Environment: copy.Environment, modules };
  } finally {
    for (const file of Object.keys(require.cache)) if (isNunjucks(file)) delete require.cache[file];
    for (const [file, mod] of saved) require.cache[file] = mod;
  }
}

describe('a nunjucks copy outside the module cache', () => {
  it('is refused until its modules are registered', () => {
    const { Environment } = uncachedNunjucks();
    expect(() => registerCredentials(new Environment(), { store })).toThrow(/needs a nunjucks Environment/);
  });

  it('renders, with the sandbox in its own parser, once registerNunjucksModules() names its modules', async () => {
    const { Environment, modules } = uncachedNunjucks();
    registerNunjucksModules(modules);
    registerNunjucksModules(modules); // again: harmless
    const env = new Environment();
    registerCredentials(env, { store });
    expect(await renderString(env, '<< "ok" | upper >> << 1 + 1 >>')).toBe('OK 2');
    // The rewrite patched this copy's parser, not the cached one's.
    await expect(renderString(env, '<< "x".constructor >>')).rejects.toThrow(/cannot read 'constructor'/);
    const cached = require('nunjucks/src/parser.js') as { parse: unknown };
    expect(modules.parser.parse).not.toBe(cached.parse);
  });
});
