/**
 * Which nunjucks installation the sandbox patches. A bundle (the `credflow`
 * CLI, or a host app built with a bundler) carries its own nunjucks, which
 * Node's module cache does not hold; a host app may also have a second copy
 * in node_modules. These tests make such copies: a second nunjucks loaded
 * from node_modules, kept in the cache or taken out of it.
 */
import { createRequire } from 'node:module';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import nunjucks, { type Environment } from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, renderString } from '../../src/index.js';
import { NunjucksVersionError, nunjucksOf } from '../../src/nunjucks/adapter.js';

const require = createRequire(import.meta.url);
const store = CredentialStore.fromYaml('credentials: {}\n', { secretProviders: [new EnvSecretProvider({ env: {} })] });
const isNunjucks = (file: string) => file.includes('/node_modules/nunjucks/');

/** Runs `fn` with nunjucks' files out of Node's module cache, then puts them back. */
function withoutCachedNunjucks<T>(fn: () => T): T {
  const saved = Object.entries(require.cache).filter(([file]) => isNunjucks(file));
  for (const [file] of saved) delete require.cache[file];
  try {
    return fn();
  } finally {
    for (const file of Object.keys(require.cache)) if (isNunjucks(file)) delete require.cache[file];
    for (const [file, mod] of saved) require.cache[file] = mod;
  }
}

/** A second copy of nunjucks, with its parser module; `cached` leaves it in Node's module cache. */
function secondCopy(cached: boolean): { Environment: new () => Environment; parser: { parse: unknown } } {
  const load = () => ({
    Environment: (require('nunjucks') as { Environment: new () => Environment }).Environment,
    parser: require(require.resolve('nunjucks/src/parser.js')) as { parse: unknown },
  });
  if (!cached) return withoutCachedNunjucks(load);
  const saved = Object.entries(require.cache).filter(([file]) => isNunjucks(file));
  for (const [file] of saved) delete require.cache[file];
  return load(); // the first copy's entries are replaced by the second's
}

const sandboxed = async (env: Environment) => {
  registerCredentials(env, { store });
  expect(await renderString(env, '<< "ok" | upper >> << 1 + 1 >>')).toBe('OK 2');
  await expect(renderString(env, '<< "x".constructor >>')).rejects.toThrow(/cannot read 'constructor'/);
};

describe('the nunjucks installation an environment comes from', () => {
  it('is the one this package imports even when Node does not cache it, as in a bundle', async () => {
    const env = withoutCachedNunjucks(() => {
      const e = new nunjucks.Environment();
      registerCredentials(e, { store });
      return e;
    });
    await sandboxed(env);
  });

  it('is refused when it is neither the one this package imports nor in the module cache', () => {
    const { Environment } = secondCopy(false);
    expect(() => registerCredentials(new Environment(), { store })).toThrow(/needs a nunjucks Environment/);
  });

  it('is found in the module cache otherwise, and the sandbox patches that copy', async () => {
    const copy = secondCopy(true);
    expect(copy.Environment).not.toBe(nunjucks.Environment);
    const before = copy.parser.parse;
    await sandboxed(new copy.Environment());
    expect(copy.parser.parse).not.toBe(before);
    expect(copy.parser.parse).not.toBe((nunjucks as unknown as { parser: { parse: unknown } }).parser.parse);
  });

  it('is refused, with one error code, when it is not the version the adapter is written against', () => {
    const copy = secondCopy(true);
    // The copy's package.json, as Node cached it when the adapter read it (or will read it).
    const pkgPath = require.resolve('nunjucks/package.json');
    const pkg = require(pkgPath) as { version: string };
    const version = pkg.version;
    pkg.version = '3.3.0';
    try {
      let error: unknown;
      try {
        registerCredentials(new copy.Environment(), { store });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(NunjucksVersionError);
      expect((error as NunjucksVersionError).code).toBe('ERR_NUNJUCKS_VERSION');
      expect((error as Error).message).toMatch(/needs nunjucks 3\.2\.4; the environment comes from nunjucks 3\.3\.0/);
    } finally {
      pkg.version = version;
    }
  });

  it('is adapted once, also for a subclass of its Environment', async () => {
    class HostEnvironment extends nunjucks.Environment {}
    const env = new HostEnvironment();
    expect(nunjucksOf(env)).toBe(nunjucksOf(new nunjucks.Environment()));
    await sandboxed(env);
    expect(await renderString(env, '<< a ?? "b" >>')).toBe('b');
  });
});
