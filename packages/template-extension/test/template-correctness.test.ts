import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, clientCredentialsClient, startAuthServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, render } from '../src/index.js';

const SECRET = 'correctness-client-secret';
let as: AuthServer;
let store: CredentialStore;
let dir: string;

beforeAll(async () => {
  as = await startAuthServer({
    clients: [clientCredentialsClient('c', SECRET)],
  });
  store = CredentialStore.fromYaml(
    `credentials:\n  k: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: C }, cache: { enabled: false } }\n`,
    { secretProviders: [new EnvSecretProvider({ env: { SECRET_C: Buffer.from(SECRET).toString('base64') } })] },
  );
  dir = await mkdtemp(join(tmpdir(), 'credflow-tpl-'));
  await writeFile(join(dir, 'inc.njk'), "[<< x >>:<< credential('k') | length >>]");
  await writeFile(join(dir, 'lib.njk'), "<% set t = credential('k') %><% macro m() %>M<% endmacro %>");
});
afterAll(async () => {
  await as?.close();
});

const env = () =>
  registerCredentials(new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { autoescape: false }), { store });

/** Output and the number of tokens minted for it (the cache is off: every render mints). */
async function run(src: string, ctx: Record<string, unknown> = {}) {
  const before = as.mints;
  const r = await render(env(), src, ctx);
  return { output: r.output, mints: as.mints - before };
}

describe('templates with asynchronous calls render what they say', () => {
  it('renders an include inside if and for (it rendered empty)', async () => {
    const t = await store.getToken('k');
    expect(await run("<% if true %><% include 'inc.njk' %><% endif %>", { x: 'a' })).toEqual({
      output: `[a:${t.length}]`,
      mints: 1,
    });
    expect((await run("<% for x in ['a', 'b'] %><% include 'inc.njk' %><% endfor %>")).output).toBe(
      `[a:${t.length}][b:${t.length}]`,
    );
    expect((await run("<% if false %>no<% else %><% include 'inc.njk' %><% endif %>", { x: 'e' })).output).toBe(
      `[e:${t.length}]`,
    );
  });

  it('runs for … else with credential() in the else branch (it did not compile)', async () => {
    const t = await store.getToken('k');
    expect(await run("<% for x in [] %>no<% else %><< credential('k') | length >><% endfor %>")).toEqual({
      output: String(t.length),
      mints: 1,
    });
    expect(await run("<% for x in [1, 2] %><< x >><% else %><< credential('k') >><% endfor %>")).toEqual({
      output: '12',
      mints: 0,
    });
    expect(
      (await run("<% for k, v in {a: 1} %><< k >><< v >><% else %><< credential('k') >><% endfor %>")).output,
    ).toBe('a1');
  });

  it('explains why a template imported without context has no credential()', async () => {
    await expect(run("<% import 'lib.njk' as lib %><< lib.m() >>")).rejects.toThrow(
      /credential\(\) is not available here: .*imported without context has no tenant or namespace/,
    );
    expect(await run("<% import 'lib.njk' as lib with context %><< lib.m() >>")).toEqual({ output: 'M', mints: 1 });
  });

  it('supports raw and verbatim blocks with credflow delimiters', async () => {
    expect(await run("a<% raw %><< credential('k') >> <% if %><% endraw %>b<< 1 >>")).toEqual({
      output: "a<< credential('k') >> <% if %>b1",
      mints: 0,
    });
    expect((await run('<% verbatim %><< x >><% endverbatim %>')).output).toBe('<< x >>');
    // nunjucks' own delimiters keep working where they are in use.
    const plain = new nunjucks.Environment();
    expect(plain.renderString('{% raw %}{{ x }}{% endraw %}', { x: 1 })).toBe('{{ x }}');
  });

  it('never calls the branch not taken of an inline if in set or in parentheses', async () => {
    expect(await run("<% set v = (credential('k') if false else 'no') %><< v >>")).toEqual({ output: 'no', mints: 0 });
    expect(await run("<% set v = credential('k') if c else 'no' %><< v | length >>", { c: true })).toMatchObject({
      mints: 1,
    });
    expect(
      await run("<% set v = 'a' if c else (credential('k') if d else 'b') %><< v >>", { c: false, d: false }),
    ).toEqual({
      output: 'b',
      mints: 0,
    });
    expect(await run("<< (credential('k') if false else 'no') >>")).toEqual({ output: 'no', mints: 0 });
    expect(await run("<< ((credential('k') if false)) >>")).toEqual({ output: '', mints: 0 });
  });

  it('reports an error after an asynchronous token as the render error (not an unhandled rejection)', async () => {
    await expect(run("<< credential('k') >><< nofn() >>")).rejects.toThrow(
      /line 1: unable to call 'nofn': it is undefined, not a function/,
    );
    await expect(run("<< credential('k') >>\n<< range.constructor >>")).rejects.toMatchObject({
      code: 'ERR_TEMPLATE_FORBIDDEN',
      line: 2,
    });
  });
});
