import { startVaultServer, type VaultServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../../src/store.js';
import { type ClientSecretEndpoint, startClientSecretEndpoint } from '../helpers/client-secret-endpoint.js';
import { installOtel } from '../telemetry/otel-harness.js';

const MAIN_VALUE = 'main-only-secret-value-4711';
let vault: VaultServer;
let idp: ClientSecretEndpoint;
let store: CredentialStore;
const saved = { ...process.env };

beforeAll(async () => {
  vault = await startVaultServer({
    tokens: {
      'hvs.acme': { paths: ['secret/data/acme/'] },
      'hvs.team': { paths: ['secret/data/team/'] },
      'hvs.company': { paths: ['secret/data/company/'] },
    },
  });
  vault.put('secret/acme/ACME_CLIENT', { value: 'acme-client-secret' });
  vault.put('secret/team/TEAM_ONLY', { value: 'team-value' });
  vault.put('secret/team/SHADOWED', { value: 'from-the-namespace' });
  vault.put('secret/company/COMPANY_WIDE', { value: 'company-value' });
  idp = await startClientSecretEndpoint('main-client', MAIN_VALUE);
  Object.assign(process.env, {
    SECRET_ISO_MAIN: MAIN_VALUE,
    SECRET_SHADOWED: 'from-the-tenant',
    CF_ISO_ACME_TOKEN: 'hvs.acme',
    CF_ISO_TEAM_TOKEN: 'hvs.team',
    CF_ISO_COMPANY_TOKEN: 'hvs.company',
  });
  const vaultAt = (path: string, env: string) =>
    `[{ type: vault, address: "${vault.url}", path: ${path}, auth: { method: token, token: { env: ${env} } } }]`;
  store = CredentialStore.fromYaml(`
secrets:
  - type: env
    encoding: plain
credentials:
  main_api: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: main-client, clientSecret: { secret: ISO_MAIN } }
namespaces:
  company:
    secrets: ${vaultAt('company', 'CF_ISO_COMPANY_TOKEN')}
  company.team:
    secrets: ${vaultAt('team', 'CF_ISO_TEAM_TOKEN')}
    credentials:
      team_api: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: main-client, clientSecret: { secret: ISO_MAIN } }
tenants:
  acme:
    secrets: ${vaultAt('acme', 'CF_ISO_ACME_TOKEN')}
    credentials:
      steal: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: main-client, clientSecret: { secret: ISO_MAIN } }
  beta:
    credentials:
      nothing: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: x, clientSecret: { secret: ISO_MAIN } }
`);
});
afterAll(async () => {
  await vault.close();
  await idp.close();
  process.env = saved;
});

describe('secret scoping (SPEC section 2)', () => {
  it("lets main read its own secrets and main's credentials mint with them", async () => {
    expect(await store.getSecret('ISO_MAIN')).toBe(MAIN_VALUE);
    expect(await store.getToken('main_api')).toMatch(/^tok-/);
  });

  it("never lets tenant acme read main's secret by name (secret() in a flow of acme)", async () => {
    const err = await store.getSecret('ISO_MAIN', undefined, { tenantId: 'acme' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SECRET_NOT_FOUND', secret: 'ISO_MAIN' });
    expect((err as Error).message).toMatch(
      /looked in: vault http:\/\/127\.0\.0\.1:\d+ secret\/acme\)\. Scope: tenant 'acme'\./,
    );
    expect((err as Error).message).not.toContain(MAIN_VALUE);
    expect(await store.getSecret('ACME_CLIENT', undefined, { tenantId: 'acme' })).toBe('acme-client-secret');
    await expect(store.getSecret('ACME_CLIENT')).rejects.toMatchObject({ code: 'ERR_SECRET_NOT_FOUND' });
  });

  it("never lets a credential of acme that names main's secret mint with it", async () => {
    const before = idp.requests;
    await expect(store.getToken('steal', { tenantId: 'acme' })).rejects.toMatchObject({
      code: 'ERR_SECRET_NOT_FOUND',
      message: expect.stringContaining("Scope: tenant 'acme'."),
    });
    await expect(store.test('steal', { tenantId: 'acme' })).rejects.toMatchObject({ code: 'ERR_SECRET_NOT_FOUND' });
    expect(idp.requests).toBe(before); // nothing was sent
  });

  it('gives a tenant without secrets: no providers at all', async () => {
    await expect(store.getSecret('ISO_MAIN', undefined, { tenantId: 'beta' })).rejects.toThrow(
      "Cannot find secret 'ISO_MAIN' (looked in: no providers configured). Scope: tenant 'beta'.",
    );
    await expect(store.getToken('nothing', { tenantId: 'beta' })).rejects.toMatchObject({
      code: 'ERR_SECRET_NOT_FOUND',
    });
    await expect(store.getSecret('ISO_MAIN', undefined, { tenantId: 'no-such-tenant' })).rejects.toMatchObject({
      code: 'ERR_SECRET_NOT_FOUND',
    });
  });

  it("asks a namespace's providers first, then its parents', then the tenant's; children inherit, siblings do not", async () => {
    const team = { namespace: 'company.team' };
    expect(await store.getSecret('SHADOWED', undefined, team)).toBe('from-the-namespace');
    expect(await store.getSecret('SHADOWED')).toBe('from-the-tenant');
    expect(await store.getSecret('TEAM_ONLY', undefined, { namespace: 'company.team.sub' })).toBe('team-value');
    expect(await store.getSecret('COMPANY_WIDE', undefined, { namespace: 'company.team.sub' })).toBe('company-value');
    expect(await store.getSecret('ISO_MAIN', undefined, team)).toBe(MAIN_VALUE);
    for (const namespace of ['company.teams', 'company', 'company.team2.x', 'other']) {
      await expect(store.getSecret('TEAM_ONLY', undefined, { namespace })).rejects.toMatchObject({
        code: 'ERR_SECRET_NOT_FOUND',
        message: expect.stringContaining(`namespace '${namespace}'`),
      });
    }
    // acme has a namespace of the same name: it sees none of main's namespace providers.
    await expect(store.getSecret('TEAM_ONLY', undefined, { tenantId: 'acme', ...team })).rejects.toMatchObject({
      code: 'ERR_SECRET_NOT_FOUND',
    });
  });

  it("resolves a credential's secrets in its own scope, not the caller's", async () => {
    // team_api is defined on company.team; a flow in company.team.sub uses it through inheritance.
    expect(await store.getToken('team_api', { namespace: 'company.team.sub' })).toMatch(/^tok-/);
    await expect(store.getToken('team_api', { namespace: 'company.teams' })).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
  });

  it("traces each read that reaches a scope's Vault once, however many scopes share the provider; cached values are not", async () => {
    const otel = installOtel();
    try {
      vault.put('secret/company/TRACED_ONCE', { value: 'traced-once-value-0123456789' });
      const before = vault.counts.reads;
      for (const namespace of ['company', 'company.team', 'company.team.sub', 'company']) {
        expect(await store.getSecret('TRACED_ONCE', undefined, { namespace })).toBe('traced-once-value-0123456789');
      }
      const reads = otel.spans().filter((s) => s.name === 'credflow.secret.read');
      // company.team asks its own Vault first (not held there: one not_found read), then company's (one read, then cached).
      expect(reads.map((s) => [s.attributes['credflow.secret.provider'], s.attributes['credflow.outcome']])).toEqual([
        [expect.stringMatching(/ secret\/company$/), 'success'],
        [expect.stringMatching(/ secret\/team$/), 'not_found'],
      ]);
      expect(vault.counts.reads - before).toBe(2);
      expect(JSON.stringify(reads.map((s) => s.attributes))).not.toContain('traced-once-value');
    } finally {
      await otel.uninstall();
    }
  });
});
