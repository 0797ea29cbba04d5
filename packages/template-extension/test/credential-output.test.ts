import { CredentialStore, EnvSecretProvider, type Scope } from '@credflow/credentials-core';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, render, renderString } from '../src/index.js';

// A token with every character HTML escaping changes, per client: which tenant's credential was used shows in it.
const tokenOf = (clientId: string) => `${clientId}&<>"'=+/tok`;
const SECRET = 'secret&<>"\'value';

let server: LoopbackServer;
let store: CredentialStore;

beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    const body = new URLSearchParams(await readBody(req));
    const basic = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    const clientId = body.get('client_id') ?? decodeURIComponent(basic.split(':')[0] ?? '');
    sendJson(res, 200, { access_token: tokenOf(clientId), token_type: 'Bearer', expires_in: 3600 });
  });
  const cc = (id: string) =>
    `{ type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: ${id}, clientSecret: { secret: S } }`;
  store = CredentialStore.fromYaml(
    [
      'credentials:',
      `  api: ${cc('c-main')}`,
      'namespaces:',
      '  company.team:',
      '    credentials:',
      `      api: ${cc('c-team')}`,
      'tenants:',
      '  acme:',
      '    credentials:',
      `      api: ${cc('c-acme')}`,
    ].join('\n'),
    { secretProviders: [new EnvSecretProvider({ env: { SECRET_S: Buffer.from(SECRET).toString('base64') } })] },
  );
});
afterAll(async () => {
  await server?.close();
});

const newEnv = (autoescape: boolean) => registerCredentials(new nunjucks.Environment(null, { autoescape }), { store });

describe('credential() and secret() printed directly', () => {
  it('print verbatim with and without autoescape, while other output is escaped under autoescape', async () => {
    for (const autoescape of [false, true]) {
      const env = newEnv(autoescape);
      const out = await renderString(env, "<< credential('api') >>|<< secret('S') >>|<< '<b>' >>");
      expect(out).toBe(`${tokenOf('c-main')}|${SECRET}|${autoescape ? '&lt;b&gt;' : '<b>'}`);
    }
  });

  it('follow autoescape switched on after the template was compiled (read at each render, never baked in)', async () => {
    const env = newEnv(false);
    const src = "Bearer << credential('api') >> << '<b>' >>";
    expect(await renderString(env, src)).toBe(`Bearer ${tokenOf('c-main')} <b>`);
    (env as unknown as { opts: { autoescape: boolean } }).opts.autoescape = true;
    // The same compiled template: the literal is escaped now, the token still is not.
    expect(await renderString(env, src)).toBe(`Bearer ${tokenOf('c-main')} &lt;b&gt;`);
  });

  it('are reported as sensitive values, printed or filtered', async () => {
    const { output, sensitiveValues } = await render(
      newEnv(false),
      "<< credential('api') >> << secret('S') | upper >>",
    );
    expect(output).toBe(`${tokenOf('c-main')} ${SECRET.toUpperCase()}`);
    expect(new Set(sensitiveValues)).toEqual(new Set([tokenOf('c-main'), SECRET, SECRET.toUpperCase()]));
  });
});

describe('the scope of a render', () => {
  it('is a copy of the scope the host gave, taken before the template runs', async () => {
    const scope: Scope = { tenantId: 'main', namespace: 'company.team' };
    // secret() waits, so credential() runs after the caller changed its object.
    const p = render(newEnv(false), "<% set s = secret('S') %><< credential('api') >>", {}, { scope });
    scope.tenantId = 'acme';
    delete scope.namespace;
    expect((await p).output).toBe(tokenOf('c-team'));
  });

  it('leaves out an empty tenant or namespace (the default tenant, no namespace)', async () => {
    const out = (scope: Scope) => renderString(newEnv(false), "<< credential('api') >>", {}, { scope });
    expect(await out({ tenantId: '', namespace: '' })).toBe(tokenOf('c-main'));
    expect(await out({ tenantId: 'acme', namespace: '' })).toBe(tokenOf('c-acme'));
    expect(await out({ namespace: 'company.team' })).toBe(tokenOf('c-team'));
  });
});
