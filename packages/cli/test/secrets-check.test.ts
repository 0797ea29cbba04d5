import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultServer, type VaultServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { captureIo } from './capture-io.js';

const MAIN_VALUE = 'cli-main-secret-value-9001';
let vault: VaultServer;
let dir: string;
let config: string;

beforeAll(async () => {
  vault = await startVaultServer({ tokens: { 'hvs.acme': { paths: ['secret/data/acme/'] } } });
  vault.put('secret/acme/ACME_CLIENT', { value: 'acme-value', other: 'x' });
  dir = await mkdtemp(join(tmpdir(), 'credflow-secrets-check-'));
  config = join(dir, 'credflow.yaml');
  const cc = (secret: string, subkey?: string) =>
    `{ type: client_credentials, tokenEndpoint: "https://idp.example/token", clientId: c, clientSecret: { secret: ${secret}${subkey ? `, subkey: ${subkey}` : ''} } }`;
  await writeFile(
    config,
    `secrets:
  - type: env
    encoding: plain
credentials:
  main_api: ${cc('CLI_MAIN')}
namespaces:
  team.a:
    credentials:
      team_api: ${cc('CLI_MISSING')}
tenants:
  acme:
    secrets:
      - { type: vault, address: "${vault.url}", path: acme, auth: { method: token, token: { env: CF_CLI_ACME_TOKEN } } }
    credentials:
      own: ${cc('ACME_CLIENT', 'value')}
      steal: ${cc('CLI_MAIN')}
      wrong_subkey: ${cc('ACME_CLIENT', 'nope')}
`,
  );
});
afterAll(async () => {
  await vault.close();
  await rm(dir, { recursive: true, force: true });
});

const env = { SECRET_CLI_MAIN: MAIN_VALUE, CF_CLI_ACME_TOKEN: 'hvs.acme' };

describe('credflow secrets check', () => {
  it("says which provider resolves each reference of a tenant, in that tenant's scope, never a value", async () => {
    Object.assign(process.env, env); // providers read bootstrap values from the process environment
    const { io, out } = captureIo(env);
    expect(await main(['secrets', 'check', '--config', config, '--tenant', 'acme', '--json'], io)).toBe(1);
    const rows = JSON.parse(out.stdout) as {
      credential: string;
      status: string;
      provider?: string;
      error?: { message: string };
    }[];
    expect(rows.map((r) => [r.credential, r.status])).toEqual([
      ['own', 'ok'],
      ['steal', 'missing'],
      ['wrong_subkey', 'missing'],
    ]);
    expect(rows[0]?.provider).toMatch(/^vault http:\/\/127\.0\.0\.1:\d+ secret\/acme$/);
    // acme's credential naming main's secret is not resolved by main's env provider: acme has only its Vault.
    expect(rows[1]?.error?.message).toBe("no provider of tenant 'acme' holds it");
    expect(rows[2]?.error?.message).toContain("without subkey 'nope'");
    expect(out.stdout + out.stderr).not.toMatch(/cli-main-secret-value|acme-value/);
  });

  it('checks every tenant by default, in a table, and --namespace shows what that namespace sees', async () => {
    const { io, out } = captureIo(env);
    expect(await main(['secrets', 'check', '--config', config], io)).toBe(1);
    expect(out.stdout).toMatch(/^CREDENTIAL +SCOPE +FIELD +SECRET +STATUS +PROVIDER/);
    expect(out.stdout).toMatch(/main_api +main +clientSecret +CLI_MAIN +ok +env SECRET_<NAME> \(plain\)/);
    expect(out.stdout).toMatch(/team_api +main\/team\.a +clientSecret +CLI_MISSING +missing/);
    expect(out.stdout).not.toContain(MAIN_VALUE);
    const ns = captureIo(env);
    expect(await main(['secrets', 'check', '--config', config, '--namespace', 'team.a.b', '--json'], ns.io)).toBe(1);
    expect((JSON.parse(ns.out.stdout) as { credential: string }[]).map((r) => r.credential)).toEqual([
      'team_api',
      'main_api',
    ]);
  });
});
