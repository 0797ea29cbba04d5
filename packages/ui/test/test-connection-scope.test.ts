import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';

// SPEC section 7: the UI's Test connection resolves secrets exactly as
// `credflow credentials test` does, in the credential's own tenant and
// namespace (section 2: namespace chain, then the tenant's providers; a
// tenant without `secrets:` has none; never another tenant's).
// Both tenants name their client secret CLIENT_SECRET, each in its own store.
const MAIN_SECRET = 'main-tenant-client-secret-5f1e2d3c';
const ACME_SECRET = 'acme-tenant-client-secret-9a8b7c6d';
const TEAM_SECRET = 'company-namespace-secret-4e3d2c1b';
const OPS_SECRET = 'acme-ops-namespace-secret-0f9e8d7c';

let as: AuthServer;
let file: string;
let ui: UiServer;
/** Ui with the host's own providers instead of the tenants' `secrets:` (namespace providers still asked first). */
let uiOverride: UiServer;
/** Every Authorization header the token endpoint received, decoded (`client_secret_basic`). */
const seen: string[] = [];

const cc = (clientId: string, secret: string) => ({
  type: 'client_credentials',
  tokenEndpoint: as.tokenEndpoint,
  clientId,
  clientSecret: { secret },
  scopes: ['api:read'],
});
const inline = (clientId: string, secret: string) => JSON.stringify(cc(clientId, secret));

beforeAll(async () => {
  const client = (client_id: string, client_secret: string) => ({
    client_id,
    client_secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api:read',
  });
  as = await startAuthServer({
    scopes: ['api:read'],
    clients: [
      client('main-client', MAIN_SECRET),
      client('acme-client', ACME_SECRET),
      client('team-client', TEAM_SECRET),
      client('ops-client', OPS_SECRET),
    ],
  });
  // Every token request, answered or refused (oidc-provider's grant events carry the request).
  const record = (ctx: { get(name: string): string }) => {
    const auth = ctx.get('authorization');
    if (auth.startsWith('Basic ')) {
      const pair = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      seen.push(pair.split(':').map(decodeURIComponent).join(':'));
    }
  };
  as.provider.on('grant.success', record);
  as.provider.on('grant.error', record);
  const dir = await mkdtemp(join(tmpdir(), 'credflow-ui-test-scope-'));
  const store = async (sub: string, name: string, value: string) => {
    await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, sub, name), `${value}\n`);
  };
  await store('main', 'CLIENT_SECRET', MAIN_SECRET);
  await store('acme', 'CLIENT_SECRET', ACME_SECRET);
  await store('company', 'TEAM_SECRET', TEAM_SECRET);
  await store('acme-ops', 'OPS_SECRET', OPS_SECRET);
  file = join(dir, 'credflow.yaml');
  await writeFile(
    file,
    `secrets:
  - { type: file, dir: ./main }
credentials:
  main_api: ${inline('main-client', 'CLIENT_SECRET')}
namespaces:
  company:
    secrets:
      - { type: file, dir: ./company }
  company.team:
    credentials:
      team_api: ${inline('team-client', 'TEAM_SECRET')}
tenants:
  acme:
    secrets:
      - { type: file, dir: ./acme }
    credentials:
      acme_api: ${inline('acme-client', 'CLIENT_SECRET')}
    namespaces:
      ops.eu:
        secrets:
          - { type: file, dir: ./acme-ops }
        credentials:
          ops_api: ${inline('ops-client', 'OPS_SECRET')}
  bare:
    credentials:
      bare_api: ${inline('acme-client', 'CLIENT_SECRET')}
`,
  );
  ui = await startUi({ configPath: file, port: 0, logger: { warn: () => {} } });
  uiOverride = await startUi({
    configPath: file,
    port: 0,
    logger: { warn: () => {} },
    secretProviders: [
      new EnvSecretProvider({ env: { SECRET_HOST_ONLY: Buffer.from('host-value').toString('base64') } }),
    ],
  });
});
afterAll(async () => {
  await ui?.close();
  await uiOverride?.close();
  await as?.close();
});
beforeEach(() => {
  seen.length = 0;
});

async function call(server: UiServer, path: string, body: unknown) {
  const res = await fetch(`${server.origin}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-credflow-key': server.key },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  for (const s of [MAIN_SECRET, ACME_SECRET, TEAM_SECRET, OPS_SECRET]) expect(text).not.toContain(s);
  return { status: res.status, json: JSON.parse(text) };
}

describe('the UI’s Test connection resolves secrets in the credential’s own tenant and namespace', () => {
  it('sends tenant acme’s CLIENT_SECRET for acme’s credential, never main’s, as `credentials test --tenant acme` does', async () => {
    const { status, json } = await call(ui, '/test', {
      tenantId: 'acme',
      key: 'acme_api',
      definition: cc('acme-client', 'CLIENT_SECRET'),
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, key: 'acme_api', tokenType: 'Bearer' });
    expect(seen).toEqual([`acme-client:${ACME_SECRET}`]);
    const viaUi = [...seen];

    // The CLI's path: the whole file, `store.test(key, { tenantId })`.
    seen.length = 0;
    const store = await CredentialStore.fromFile(file, { logger: { warn: () => {} } });
    await store.test('acme_api', { tenantId: 'acme' });
    expect(seen).toEqual(viaUi);
    expect(seen.join('\n')).not.toContain(MAIN_SECRET);
  });

  it('still sends main’s CLIENT_SECRET for main’s credential', async () => {
    const { json } = await call(ui, '/test', { key: 'main_api', definition: cc('main-client', 'CLIENT_SECRET') });
    expect(json).toMatchObject({ ok: true });
    expect(seen).toEqual([`main-client:${MAIN_SECRET}`]);
  });

  it('tests a namespace credential whose secret is only in a parent namespace’s provider', async () => {
    const { json } = await call(ui, '/test', {
      namespace: 'company.team',
      key: 'team_api',
      definition: cc('team-client', 'TEAM_SECRET'),
    });
    expect(json).toMatchObject({ ok: true, key: 'team_api' });
    expect(seen).toEqual([`team-client:${TEAM_SECRET}`]);
  });

  it('tests a namespace credential of tenant acme with its namespace provider', async () => {
    const { json } = await call(ui, '/test', {
      tenantId: 'acme',
      namespace: 'ops.eu',
      key: 'ops_api',
      definition: cc('ops-client', 'OPS_SECRET'),
    });
    expect(json).toMatchObject({ ok: true, key: 'ops_api' });
    expect(seen).toEqual([`ops-client:${OPS_SECRET}`]);
  });

  it('gives a tenant without `secrets:` no providers: nothing is sent, the secret is missing in that tenant', async () => {
    const { json } = await call(ui, '/test', {
      tenantId: 'bare',
      key: 'bare_api',
      definition: cc('acme-client', 'CLIENT_SECRET'),
    });
    expect(json).toMatchObject({ ok: false, error: { code: 'ERR_SECRET_NOT_FOUND' } });
    expect(json.error.message).toContain("tenant 'bare'");
    expect(seen).toEqual([]);
  });

  it('a draft in a namespace of tenant acme that is not in the file yet reads acme’s providers', async () => {
    const { json } = await call(ui, '/test', {
      tenantId: 'acme',
      namespace: 'new.place',
      key: 'draft',
      definition: cc('acme-client', 'CLIENT_SECRET'),
    });
    expect(json).toMatchObject({ ok: true });
    expect(seen).toEqual([`acme-client:${ACME_SECRET}`]);
  });

  it('with the host’s providers, still asks the namespace’s providers first, as the store does', async () => {
    const { json } = await call(uiOverride, '/test', {
      namespace: 'company.team',
      key: 'team_api',
      definition: cc('team-client', 'TEAM_SECRET'),
    });
    expect(json).toMatchObject({ ok: true });
    expect(seen).toEqual([`team-client:${TEAM_SECRET}`]);
  });
});

describe('the UI’s secret status uses the same providers as its test', () => {
  it('finds a namespace provider’s secret for that namespace and its children only', async () => {
    const refs = [{ secret: 'TEAM_SECRET' }, { secret: 'CLIENT_SECRET' }];
    for (const server of [ui, uiOverride]) {
      const team = await call(server, '/secret-status', { namespace: 'company.team', refs });
      expect(team.json.statuses[0], server === ui ? 'config providers' : 'host providers').toBe('ok');
      const elsewhere = await call(server, '/secret-status', { namespace: 'other', refs });
      expect(elsewhere.json.statuses[0]).toBe('missing');
    }
    const acme = await call(ui, '/secret-status', {
      tenantId: 'acme',
      namespace: 'ops.eu',
      refs: [{ secret: 'OPS_SECRET' }],
    });
    expect(acme.json.statuses).toEqual(['ok']);
    const bare = await call(ui, '/secret-status', { tenantId: 'bare', refs });
    expect(bare.json.statuses).toEqual(['missing', 'missing']);
    // A tenant the file does not have yet (a draft creates it, without `secrets:`): the host's providers, else none.
    const fresh = { tenantId: 'newco', namespace: 'company.team', refs: [{ secret: 'HOST_ONLY' }, ...refs] };
    expect((await call(ui, '/secret-status', fresh)).json.statuses).toEqual(['missing', 'missing', 'missing']);
    expect((await call(uiOverride, '/secret-status', fresh)).json.statuses).toEqual(['ok', 'missing', 'missing']);
  });

  it('lists each credential’s references with the status of its own scope', async () => {
    for (const server of [ui, uiOverride]) {
      const res = await fetch(`${server.origin}/api/credentials`, { headers: { 'x-credflow-key': server.key } });
      const json = (await res.json()) as {
        tenants: {
          id: string;
          namespaces: { id: string; credentials: { key: string; secrets: { status: string }[] }[] }[];
        }[];
      };
      const team = json.tenants
        .find((t) => t.id === 'main')
        ?.namespaces.find((n) => n.id === 'company.team')
        ?.credentials.find((c) => c.key === 'team_api');
      expect(team?.secrets[0]?.status, server === ui ? 'config providers' : 'host providers').toBe('ok');
    }
  });
});
