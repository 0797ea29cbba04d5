import { startVaultServer, type VaultServer } from '@credflow/testkit';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretProviderConfig } from '../../src/config/types.js';
import { parseConfig } from '../../src/load-config.js';
import { CachedSecretProvider } from '../../src/secrets/cached-provider.js';
import { VaultSecretProvider } from '../../src/secrets/vault-provider.js';
import { CredentialStore } from '../../src/store.js';
import { startClientSecretEndpoint } from '../helpers/client-secret-endpoint.js';

const ROLE_ID = 'role-1234';
const SECRET_ID = 'approle-secret-id-5678';
const ROOTISH = 'hvs.static-test-token';
const FAST = { attempts: 3, baseDelayMs: 5 };
let vault: VaultServer;

beforeAll(async () => {
  vault = await startVaultServer({
    tokens: { [ROOTISH]: { paths: ['secret/data/credflow/main/'] } },
    approles: { [ROLE_ID]: { secretId: SECRET_ID, paths: ['secret/data/credflow/main/'] } },
    tokenTtl: 2,
  });
  vault.put('secret/credflow/main/DB_PASSWORD', { value: 'vault-db-pa55' });
  vault.put('secret/credflow/main/SA', { client_email: 'robot@x', private_key: 'pem-text' });
  vault.put('secret/credflow/other/NOT_YOURS', { value: 'other' });
  process.env.CF_TEST_VAULT_ROLE_ID = ROLE_ID;
  process.env.CF_TEST_VAULT_SECRET_ID = SECRET_ID;
  process.env.CF_TEST_VAULT_TOKEN = ROOTISH;
});
afterAll(async () => {
  await vault.close();
});

/** A provider config as the schema leaves it (defaults filled). */
function config(yaml: string): Extract<SecretProviderConfig, { type: 'vault' }> {
  const c = parseConfig(`secrets:\n${yaml}`).tenants.get('main')?.secrets[0];
  if (c?.type !== 'vault') throw new Error('not a vault config');
  return c;
}
/** AppRole with a secret id Vault refuses. */
const wrongAppRole = () => {
  process.env.CF_TEST_VAULT_BAD = 'wrong-secret-id';
  return config(`  - type: vault
    address: ${vault.url}
    path: credflow/main
    auth: { method: approle, roleId: { env: CF_TEST_VAULT_ROLE_ID }, secretId: { env: CF_TEST_VAULT_BAD } }
`);
};
const approle = () =>
  config(`  - type: vault
    address: ${vault.url}
    path: credflow/main
    auth: { method: approle, roleId: { env: CF_TEST_VAULT_ROLE_ID }, secretId: { env: CF_TEST_VAULT_SECRET_ID } }
`);

describe('the loopback Vault server answers as Vault does (checked with node-vault)', () => {
  it('logs in with AppRole and reads a KV v2 entry', async () => {
    const client = nodeVault({ endpoint: vault.url, apiVersion: 'v1' });
    const login = await client.approleLogin({ role_id: ROLE_ID, secret_id: SECRET_ID });
    expect(login.auth.client_token).toMatch(/^hvs\./);
    expect(login.auth.lease_duration).toBe(2);
    client.token = login.auth.client_token;
    const read = await client.read('secret/data/credflow/main/DB_PASSWORD');
    expect(read.data.data).toEqual({ value: 'vault-db-pa55' });
    expect(read.data.metadata.version).toBe(1);
    await expect(client.read('secret/data/credflow/other/NOT_YOURS')).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    await expect(client.approleLogin({ role_id: ROLE_ID, secret_id: 'wrong' })).rejects.toMatchObject({
      response: { statusCode: 400 },
    });
  });
});

describe('vault provider', () => {
  it('reads a single-field entry as its value, a multi-field entry as JSON for subkeys', async () => {
    const p = new VaultSecretProvider(approle(), { retry: FAST });
    expect(await p.get('DB_PASSWORD', { scope: "tenant 'main'" })).toBe('vault-db-pa55');
    expect(JSON.parse((await p.get('SA')) ?? '')).toEqual({ client_email: 'robot@x', private_key: 'pem-text' });
    expect(await p.get('NOPE')).toBeUndefined();
    expect(p.logins).toBe(1);
  });

  it('reads one field with subkey through the store', async () => {
    const store = CredentialStore.fromYaml(`secrets:
  - type: vault
    address: ${vault.url}
    path: credflow/main
    auth: { method: token, token: { env: CF_TEST_VAULT_TOKEN } }
`);
    expect(await store.getSecret('SA', 'client_email')).toBe('robot@x');
    await expect(store.getSecret('MISSING_ONE')).rejects.toMatchObject({
      code: 'ERR_SECRET_NOT_FOUND',
      message: expect.stringMatching(
        /'MISSING_ONE' \(looked in: vault http:\/\/127\.0\.0\.1:\d+ secret\/credflow\/main\)\. Scope: tenant 'main'\./,
      ),
    });
  });

  it('reports a path the token may not read as access denied, naming provider, secret and scope, never a value', async () => {
    const c = config(`  - type: vault
    address: ${vault.url}
    path: credflow/other
    auth: { method: token, token: { env: CF_TEST_VAULT_TOKEN } }
`);
    const err = await new VaultSecretProvider(c, { retry: FAST })
      .get('NOT_YOURS', { scope: "tenant 'acme'" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SECRET_ACCESS_DENIED', secret: 'NOT_YOURS', scope: "tenant 'acme'" });
    expect((err as Error).message).toMatch(
      /^secret 'NOT_YOURS' \(tenant 'acme'\): access denied by vault http:\/\/127/,
    );
    expect((err as Error).message).not.toContain(ROOTISH);
  });

  it('refuses plain http:// off loopback where each request is made, before anything is sent', async () => {
    // The config schema refuses such an address; a provider built another way meets the same rule.
    const c = { ...approle(), address: 'http://vault.example.invalid:8200' } as ReturnType<typeof approle>;
    const err = await new VaultSecretProvider(c, { retry: FAST }).get('DB_PASSWORD').catch((e: unknown) => e);
    expect((err as Error).message).toContain('plain http:// is allowed only to a loopback host');
  });

  it('refuses a wrong AppRole secret id as access denied', async () => {
    const c = wrongAppRole();
    const err = await new VaultSecretProvider(c, { retry: FAST }).get('DB_PASSWORD').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SECRET_ACCESS_DENIED' });
    expect((err as Error).message).toContain('approle login refused (HTTP 400)');
    expect((err as Error).message).not.toContain('wrong-secret-id');
  });

  it('retries a throttled read and succeeds', async () => {
    const p = new VaultSecretProvider(approle(), { retry: FAST });
    const before = vault.counts.reads;
    vault.failNext(2, 429);
    expect(await p.get('DB_PASSWORD')).toBe('vault-db-pa55');
    expect(vault.counts.reads - before).toBe(3);
  });

  it('reports throttling that outlasts the retries', async () => {
    const p = new VaultSecretProvider(approle(), { retry: FAST });
    vault.failNext(3, 429);
    await expect(p.get('DB_PASSWORD', { scope: "tenant 'main'" })).rejects.toMatchObject({
      code: 'ERR_SECRET_THROTTLED',
      message: expect.stringContaining('HTTP 429 (3 attempts)'),
    });
  });

  it('reports a sealed (503) or unreachable Vault as unavailable after retries', async () => {
    const p = new VaultSecretProvider(approle(), { retry: FAST });
    vault.failNext(3, 503);
    await expect(p.get('DB_PASSWORD')).rejects.toMatchObject({ code: 'ERR_SECRET_PROVIDER_UNAVAILABLE' });
    const down = await startVaultServer();
    const url = down.url;
    await down.close();
    const c = { ...approle(), address: url };
    const err = await new VaultSecretProvider(c, { retry: FAST }).get('DB_PASSWORD').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SECRET_PROVIDER_UNAVAILABLE' });
    expect((err as Error).message).toContain('ECONNREFUSED (3 attempts)');
  });

  it('renews its AppRole token before the lease ends and logs in again once it has ended or been revoked', async () => {
    const p = new VaultSecretProvider(approle(), { retry: FAST });
    await p.get('DB_PASSWORD');
    expect([p.logins, p.renewals]).toEqual([1, 0]);
    await new Promise((r) => setTimeout(r, 1500)); // past two thirds of the 2 s lease
    await p.get('DB_PASSWORD');
    expect([p.logins, p.renewals]).toEqual([1, 1]);
    await new Promise((r) => setTimeout(r, 2100)); // the lease has ended
    await p.get('DB_PASSWORD');
    expect([p.logins, p.renewals]).toEqual([2, 1]);
    vault.revokeLogins(); // revoked early: Vault answers 403 to the token it gave
    expect(await p.get('DB_PASSWORD')).toBe('vault-db-pa55');
    expect([p.logins, p.renewals]).toEqual([3, 1]);
  });

  it('sends X-Vault-Namespace (Vault Enterprise)', async () => {
    const ns = await startVaultServer({
      namespace: 'team-a',
      approles: { [ROLE_ID]: { secretId: SECRET_ID, paths: ['secret/data/'] } },
    });
    try {
      ns.put('secret/app/X', { value: 'in-namespace' });
      const c = { ...approle(), address: ns.url, path: 'app' };
      expect(await new VaultSecretProvider({ ...c, vaultNamespace: 'team-a' }, { retry: FAST }).get('X')).toBe(
        'in-namespace',
      );
      await expect(new VaultSecretProvider(c, { retry: FAST }).get('X')).rejects.toMatchObject({
        code: 'ERR_SECRET_ACCESS_DENIED',
      });
    } finally {
      await ns.close();
    }
  });

  it('keeps values for cacheTtl with one request for concurrent reads, and none with PT0S', async () => {
    const cached = new CachedSecretProvider(new VaultSecretProvider(approle(), { retry: FAST }), 60_000);
    const before = vault.counts.reads;
    const values = await Promise.all(Array.from({ length: 20 }, () => cached.get('DB_PASSWORD')));
    expect(new Set(values)).toEqual(new Set(['vault-db-pa55']));
    await cached.get('DB_PASSWORD');
    expect(vault.counts.reads - before).toBe(1);
    await cached.get('DB_PASSWORD', { fresh: true });
    expect(vault.counts.reads - before).toBe(2);

    const uncached = new CachedSecretProvider(new VaultSecretProvider(approle(), { retry: FAST }), 0);
    const start = vault.counts.reads;
    await uncached.get('DB_PASSWORD');
    await uncached.get('DB_PASSWORD');
    expect(vault.counts.reads - start).toBe(2);
  });

  it("tells each caller waiting on one refused login under its own secret and scope, never another caller's", async () => {
    const c = wrongAppRole();
    const p = new VaultSecretProvider(c, { retry: FAST });
    const [a, b] = await Promise.all([
      p.get('A_SECRET', { scope: "tenant 'main', namespace 'team.a'" }).catch((e: unknown) => e),
      p.get('B_SECRET', { scope: "tenant 'main', namespace 'team.b'" }).catch((e: unknown) => e),
    ]);
    expect(a).toMatchObject({
      code: 'ERR_SECRET_ACCESS_DENIED',
      secret: 'A_SECRET',
      scope: "tenant 'main', namespace 'team.a'",
    });
    expect(b).toMatchObject({
      code: 'ERR_SECRET_ACCESS_DENIED',
      secret: 'B_SECRET',
      scope: "tenant 'main', namespace 'team.b'",
    });
    expect((a as Error).message).not.toMatch(/B_SECRET|team\.b/);
    expect((b as Error).message).not.toMatch(/A_SECRET|team\.a/);
    expect((b as Error).message).toContain('approle login refused (HTTP 400)');
  });

  it('tells each caller waiting on one login with a missing bootstrap value under its own secret and scope', async () => {
    const c = config(`  - type: vault
    address: ${vault.url}
    path: credflow/main
    auth: { method: token, token: { env: CF_TEST_VAULT_UNSET_TOKEN } }
`);
    const p = new VaultSecretProvider(c, { retry: FAST });
    const [a, b] = await Promise.all([
      p.get('A_SECRET', { scope: "namespace 'team.a'" }).catch((e: unknown) => e),
      p.get('B_SECRET', { scope: "namespace 'team.b'" }).catch((e: unknown) => e),
    ]);
    expect(a).toMatchObject({ code: 'ERR_SECRET_PROVIDER_BOOTSTRAP' });
    expect((a as Error).message).toMatch(
      /^secret 'A_SECRET' \(namespace 'team\.a'\): vault http:\/\/127\.0\.0\.1:\d+ secret\/credflow\/main: auth\.token: environment variable CF_TEST_VAULT_UNSET_TOKEN is not set$/,
    );
    expect((b as Error).message).toMatch(/^secret 'B_SECRET' \(namespace 'team\.b'\): vault .*auth\.token: /);
  });

  it('shares a read in flight within one scope only: a denied read fails in each scope under its own name', async () => {
    const c = config(`  - type: vault
    address: ${vault.url}
    path: credflow/other
    auth: { method: token, token: { env: CF_TEST_VAULT_TOKEN } }
`);
    const cached = new CachedSecretProvider(new VaultSecretProvider(c, { retry: FAST }), 60_000);
    const [a1, a2, b] = await Promise.all([
      cached.get('NOT_YOURS', { scope: "tenant 'main', namespace 'team.a'" }).catch((e: unknown) => e),
      cached.get('NOT_YOURS', { scope: "tenant 'main', namespace 'team.a'" }).catch((e: unknown) => e),
      cached.get('NOT_YOURS', { scope: "tenant 'main', namespace 'team.b'" }).catch((e: unknown) => e),
    ]);
    expect(a2).toBe(a1); // one request for the same scope
    expect(a1).toMatchObject({ code: 'ERR_SECRET_ACCESS_DENIED', scope: "tenant 'main', namespace 'team.a'" });
    expect(b).toMatchObject({ code: 'ERR_SECRET_ACCESS_DENIED', scope: "tenant 'main', namespace 'team.b'" });
    expect((b as Error).message).not.toContain('team.a');
  });

  it('honours cacheTtl from the config: read again once it has passed', async () => {
    const store = CredentialStore.fromYaml(`secrets:
  - type: vault
    address: ${vault.url}
    path: credflow/main
    cacheTtl: PT0.3S
    auth: { method: token, token: { env: CF_TEST_VAULT_TOKEN } }
`);
    const before = vault.counts.reads;
    await store.getSecret('DB_PASSWORD');
    await store.getSecret('DB_PASSWORD');
    expect(vault.counts.reads - before).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    await store.getSecret('DB_PASSWORD');
    expect(vault.counts.reads - before).toBe(2);
  });
});

describe('rotation (SPEC section 2)', () => {
  it('re-reads a rotated client secret past the cache after invalid_client and mints once more', async () => {
    vault.put('secret/credflow/main/ROTATING', { value: 'first-secret' });
    const idp = await startClientSecretEndpoint('rotating-client', 'first-secret');
    try {
      const store = CredentialStore.fromYaml(`secrets:
  - type: vault
    address: ${vault.url}
    path: credflow/main
    cacheTtl: PT1H
    auth: { method: token, token: { env: CF_TEST_VAULT_TOKEN } }
credentials:
  api:
    type: client_credentials
    tokenEndpoint: ${idp.tokenEndpoint}
    clientId: rotating-client
    clientSecret: { secret: ROTATING }
`);
      const reads0 = vault.counts.reads;
      expect(await store.getToken('api')).toMatch(/^tok-/);
      expect([vault.counts.reads - reads0, idp.requests]).toEqual([1, 1]);

      // The secret is rotated in Vault and at the IdP; credflow still holds the old one for an hour.
      vault.put('secret/credflow/main/ROTATING', { value: 'second-secret' });
      idp.secret = 'second-secret';
      store.invalidate('api');
      expect(await store.getToken('api')).toMatch(/^tok-3-/);
      // One refused mint, one re-read past the cache, one mint that worked.
      expect([vault.counts.reads - reads0, idp.requests]).toEqual([2, 3]);

      // The re-read refreshed the cache: the next mint reads nothing and succeeds at once.
      store.invalidate('api');
      await store.getToken('api');
      expect([vault.counts.reads - reads0, idp.requests]).toEqual([2, 4]);
    } finally {
      await idp.close();
    }
  });

  it('tries once more only: a secret that is still wrong is the error the caller sees', async () => {
    vault.put('secret/credflow/main/STILL_WRONG', { value: 'nope' });
    const idp = await startClientSecretEndpoint('c', 'right');
    try {
      const store = CredentialStore.fromYaml(`secrets:
  - type: vault
    address: ${vault.url}
    path: credflow/main
    auth: { method: token, token: { env: CF_TEST_VAULT_TOKEN } }
credentials:
  api: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: c, clientSecret: { secret: STILL_WRONG } }
`);
      const reads0 = vault.counts.reads;
      await expect(store.getToken('api')).rejects.toMatchObject({ error: 'invalid_client' });
      expect([vault.counts.reads - reads0, idp.requests]).toEqual([2, 2]);
    } finally {
      await idp.close();
    }
  });
});
