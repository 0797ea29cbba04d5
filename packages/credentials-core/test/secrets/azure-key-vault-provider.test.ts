import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AzureKeyVaultServer, startAzureKeyVaultServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// NODE_EXTRA_CA_CERTS is read when a process starts, so the official SDK runs in a child process
// (the built package) that trusts the test CA the way a user's process would.
const CORE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const CHILD = `
const { AzureKeyVaultProvider, CredentialStore } = await import(process.env.CORE_ENTRY);
const vaultUrl = process.env.VAULT_URL;
const p = new AzureKeyVaultProvider(
  { type: 'azure-key-vault', vaultUrl, prefix: 'credflow-main-', cacheTtl: 60000, timeout: 5000 },
  { retry: { attempts: 3, baseDelayMs: 5 } },
);
const store = CredentialStore.fromYaml(
  'secrets:\\n  - type: azure-key-vault\\n    vaultUrl: ' + vaultUrl + '\\n    prefix: credflow-main-\\n    cacheTtl: PT1H\\n',
);
const out = {};
const step = async (label, fn) => {
  try { out[label] = { value: (await fn()) ?? null }; } catch (e) { out[label] = { code: e.code, message: e.message }; }
};
await step('value', () => p.get('DB_PASSWORD', { scope: "tenant 'main'" }));
await step('missing', () => p.get('NOPE'));
await step('denied', () => p.get('NOT_ALLOWED', { scope: "tenant 'acme'" }));
await step('flaky', () => p.get('FLAKY'));
await step('busy', () => p.get('BUSY'));
await step('down', () => p.get('DOWN'));
await step('subkey', () => store.getSecret('SA', 'client_email'));
await step('cached', async () => { for (let i = 0; i < 5; i++) await store.getSecret('CACHED'); return 'read 5 times'; });
process.stdout.write(JSON.stringify(out));
`;

let kv: AzureKeyVaultServer;
let dir: string;
beforeAll(async () => {
  kv = await startAzureKeyVaultServer({
    tenantId: '00000000-0000-0000-0000-00000000c0de',
    identityHeader: 'app-service-identity-header',
    allow: ['credflow-main-DB-PASSWORD', 'credflow-main-NOPE', 'credflow-main-FLAKY', 'credflow-main-BUSY'].concat(
      'credflow-main-DOWN',
      'credflow-main-SA',
      'credflow-main-CACHED',
    ),
  });
  kv.put('credflow-main-DB-PASSWORD', 'kv-db-pa55');
  kv.put('credflow-main-FLAKY', 'eventually');
  kv.put('credflow-main-BUSY', 'never');
  kv.put('credflow-main-DOWN', 'never');
  kv.put('credflow-main-SA', JSON.stringify({ client_email: 'robot@x' }));
  kv.put('credflow-main-CACHED', 'once');
  kv.failNext('credflow-main-FLAKY', 2, 429);
  kv.failNext('credflow-main-BUSY', 3, 429);
  kv.failNext('credflow-main-DOWN', 3, 503);
  dir = await mkdtemp(join(tmpdir(), 'credflow-azure-'));
  await writeFile(join(dir, 'ca.pem'), kv.caCert);
});
afterAll(async () => {
  await kv.close();
  await rm(dir, { recursive: true, force: true });
});

function runChild(): Promise<{
  out: Record<string, { value?: string | null; code?: string; message?: string }>;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      CORE_ENTRY: CORE,
      VAULT_URL: kv.vaultUrl,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      // App Service managed identity, which DefaultAzureCredential reaches after the environment and workload identity.
      IDENTITY_ENDPOINT: kv.identityEndpoint,
      IDENTITY_HEADER: 'app-service-identity-header',
      HOME: dir,
    };
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({ out: JSON.parse(stdout), stderr });
      } catch {
        reject(new Error(`child printed no JSON: ${stderr.slice(0, 2000)}`));
      }
    });
  });
}

describe.runIf(existsSync(CORE))(
  'azure-key-vault provider (official SDK over HTTPS, bearer challenge, managed identity)',
  () => {
    it('reads, follows the challenge once, and reports each failure by class, never a value', async () => {
      const { out } = await runChild();
      expect(out.value).toEqual({ value: 'kv-db-pa55' });
      expect(out.missing).toEqual({ value: null });
      expect(out.denied).toEqual({
        code: 'ERR_SECRET_ACCESS_DENIED',
        message: `secret 'NOT_ALLOWED' (tenant 'acme'): access denied by azure-key-vault ${new URL(kv.vaultUrl).host} credflow-main-*: HTTP 403 Forbidden`,
      });
      expect(out.flaky).toEqual({ value: 'eventually' });
      expect(out.busy).toMatchObject({ code: 'ERR_SECRET_THROTTLED' });
      expect(out.down).toMatchObject({ code: 'ERR_SECRET_PROVIDER_UNAVAILABLE' });
      expect(out.subkey).toEqual({ value: 'robot@x' });
      expect(out.cached).toEqual({ value: 'read 5 times' });
      for (const r of Object.values(out)) expect(r.message ?? '').not.toMatch(/kv-db-pa55|eventually|robot@x/);
      // Each client starts unauthenticated, is challenged, and gets its token from the identity endpoint
      // (the SDK may share one token between the two clients).
      expect(kv.counts.challenges).toBeGreaterThanOrEqual(1);
      expect(kv.counts.challenges).toBeLessThanOrEqual(2);
      expect(kv.counts.tokens).toBeGreaterThanOrEqual(1);
      expect(kv.counts.tokens).toBeLessThanOrEqual(2);
      // value, missing, denied, flaky x3, busy x3, down x3, subkey, cached once (cacheTtl PT1H).
      expect(kv.counts.reads).toBe(1 + 1 + 1 + 3 + 3 + 3 + 1 + 1);
    });
  },
);
