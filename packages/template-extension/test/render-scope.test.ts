import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, clientCredentialsClient, startAuthServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, render, renderTemplate } from '../src/index.js';

const SECRET = 'scope-test-client-secret';
let as: AuthServer;
let store: CredentialStore;
let dir: string;
const tok = { main: '', acme: '', team: '' };

beforeAll(async () => {
  const client = (id: string) => clientCredentialsClient(id, SECRET);
  as = await startAuthServer({ clients: ['c-main', 'c-acme', 'c-team'].map(client) });
  const cc = (id: string) =>
    `{ type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: ${id}, clientSecret: { secret: CLIENT } }`;
  store = CredentialStore.fromYaml(
    [
      'credentials:',
      `  api: ${cc('c-main')}`,
      'namespaces:',
      '  company.team:',
      '    credentials:',
      `      team: ${cc('c-team')}`,
      'tenants:',
      '  acme:',
      '    credentials:',
      `      api: ${cc('c-acme')}`,
      `      acme_only: ${cc('c-acme')}`,
    ].join('\n'),
    { secretProviders: [new EnvSecretProvider({ env: { SECRET_CLIENT: Buffer.from(SECRET).toString('base64') } })] },
  );
  tok.main = await store.getToken('api', { tenantId: 'main' });
  tok.acme = await store.getToken('api', { tenantId: 'acme' });
  tok.team = await store.getToken('team', { tenantId: 'main', namespace: 'company.team' });
  dir = await mkdtemp(join(tmpdir(), 'credflow-scope-'));
  await writeFile(join(dir, 'evil.njk'), "<% set flow = { tenantId: 'acme' } %><< credential('api') >>");
  await writeFile(join(dir, 'lib.njk'), "<% set flow = { tenantId: 'acme' } %><% macro t() %>m<% endmacro %>");
});
afterAll(async () => {
  await as?.close();
});

const newEnv = () =>
  registerCredentials(new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { autoescape: false }), { store });
const MAIN = { scope: { tenantId: 'main' } };
const out = async (src: string, ctx: Record<string, unknown> = {}, opts: object = MAIN) =>
  (await render(newEnv(), src, ctx, opts)).output;

describe('the render scope comes from the host', () => {
  it('cannot be changed by set, by shadowing flow, or by a scope-like argument', async () => {
    expect(await out("<% set flow = { tenantId: 'acme', namespace: 'x' } %><< credential('api') >>")).toBe(tok.main);
    expect(await out("<% for flow in [{ tenantId: 'acme' }] %><< credential('api') >><% endfor %>")).toBe(tok.main);
    expect(await out("<% macro f(flow) %><% endmacro %><% set tenantId = 'acme' %><< credential('api') >>")).toBe(
      tok.main,
    );
    await expect(out("<< credential('api', tenantId='acme') >>")).rejects.toThrow(/takes exactly one argument/);
    await expect(out("<< credential('api', { tenantId: 'acme' }) >>")).rejects.toThrow(/takes exactly one argument/);
    await expect(out("<< credential('acme_only') >>")).rejects.toMatchObject({
      code: 'ERR_TEMPLATE',
      cause: { code: 'ERR_CREDENTIAL_NOT_FOUND' },
    });
  });

  it('cannot be changed by an included or imported template', async () => {
    expect(await out("<% include 'evil.njk' %>")).toBe(tok.main);
    expect(await out("<% import 'lib.njk' as flow with context %><< credential('api') >>")).toBe(tok.main);
    expect((await renderTemplate(newEnv(), 'evil.njk', {}, MAIN)).output).toBe(tok.main);
  });

  it('is the given scope even when the context says otherwise, and is read once from ctx.flow without one', async () => {
    const acmeCtx = { flow: { tenantId: 'acme' } };
    expect(await out("<< credential('api') >>", acmeCtx, MAIN)).toBe(tok.main);
    expect(await out("<< credential('api') >>", acmeCtx, {})).toBe(tok.acme);
    // Mutating the context object during the render changes nothing: it was read before.
    const ctx = { flow: { tenantId: 'main' }, later: 'x' };
    const p = render(newEnv(), "<% set flow = { tenantId: 'acme' } %><< credential('api') >>", ctx);
    ctx.flow.tenantId = 'acme';
    expect((await p).output).toBe(tok.main);
    expect(await out("<< credential('team') >>", {}, { scope: { tenantId: 'main', namespace: 'company.team' } })).toBe(
      tok.team,
    );
    await expect(out("<< credential('team') >>", { flow: { namespace: 'company.team' } })).rejects.toMatchObject({
      code: 'ERR_TEMPLATE',
      cause: { code: 'ERR_CREDENTIAL_NOT_FOUND' },
    });
  });

  it('keeps the render state out of every template name', async () => {
    expect(await out('<< __credflow_render is defined >>').catch((e: Error) => e.message)).toMatch(
      /'__credflow_render' is not allowed/,
    );
  });
});
