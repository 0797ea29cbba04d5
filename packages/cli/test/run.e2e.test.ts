import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DemoEnvironment,
  describeFindings,
  scanForLeaks,
  secretNeedles,
  startDemoEnvironment,
} from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, transcript } from './cli-helpers.js';

let demo: DemoEnvironment;
let dir: string;
let config: string;

beforeAll(async () => {
  demo = await startDemoEnvironment();
  dir = await mkdtemp(join(tmpdir(), 'credflow-e2e-'));
  config = join(dir, 'credflow.yaml');
  await writeFile(config, demo.configYaml);
});

afterAll(async () => {
  // Leak scan (the testkit's scanner, independent of the product) over everything every CLI run printed:
  // no secret, no token, in any encoding, not even a 16-character piece.
  const all = transcript.join('\n');
  const values = [...demo.secretValues.flatMap(secretNeedles), ...demo.api.seenTokens, ...demo.vault.loginTokens];
  expect(values.length).toBeGreaterThan(5);
  expect(demo.vault.loginTokens.length).toBeGreaterThan(0);
  expect(describeFindings(scanForLeaks(all, values)), 'a secret or token leaked').toEqual([]);
  await demo?.close();
});

const run = (flow: string, extra: string[] = []) =>
  runCli(['run', flow, '--config', config, '--json', '--input', `api=${demo.api.url}`, ...extra], demo.secretEnv);

async function flowFile(name: string, yaml: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

const request = (id: string, path: string, key: string, method = 'GET') => `  - id: ${id}
    type: io.kestra.plugin.core.http.Request
    uri: "<< inputs.api >>${path}"
    method: ${method}
    auth: { type: BEARER, token: "<< credential('${key}') >>" }
`;
const header = (namespace = 'credflow.demo') =>
  `id: test\nnamespace: ${namespace}\ninputs:\n  - { id: api, type: URI }\ntasks:\n`;

describe('credflow run: sample flows', () => {
  it.each([
    ['client-credentials.yaml', 'SUCCESS', 0],
    ['private-key-jwt.yaml', 'SUCCESS', 0],
    ['jwt-bearer.yaml', 'SUCCESS', 0],
    ['github-app.yaml', 'SUCCESS', 0],
    ['masking.yaml', 'SUCCESS', 0],
    ['vault-secret.yaml', 'SUCCESS', 0],
    ['errors.yaml', 'FAILED', 1],
  ])('flows/%s ends %s (exit %d)', async (file, state, code) => {
    const r = await run(join(ROOT, 'flows', file));
    expect(r.code, r.stderr).toBe(code);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ state, tenantId: 'main', namespace: expect.stringMatching(/^credflow\.demo/) });
    expect(Object.keys(json).sort()).toEqual([
      'endDate',
      'flowId',
      'id',
      'labels',
      'logs',
      'namespace',
      'outputs',
      'startDate',
      'state',
      'subflowExecutions',
      'taskRuns',
      'tenantId',
    ]);
    for (const t of json.taskRuns) {
      expect(t).toMatchObject({ id: expect.stringMatching(/^[0-9A-Za-z]{22}$/), attempts: expect.any(Array) });
    }
  });

  it('flows/hello.yaml runs without network or config', async () => {
    const r = await runCli(['run', 'flows/hello.yaml', '--input', 'user=Ada', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual({ message: 'hello hello Ada' });
    expect(r.stderr).toContain('greet INFO  Hello, Ada!');
    expect(r.stderr).toMatch(/credflow\.demo\.hello \(execution \w+, tenant main\): SUCCESS in \d+ ms/);
  });

  it('the errors flow runs its errors: task and reports the failure', async () => {
    const json = JSON.parse((await run(join(ROOT, 'flows/errors.yaml'))).stdout);
    expect(json.taskRuns.map((t: { taskId: string; state: string }) => `${t.taskId}:${t.state}`)).toEqual([
      'missing:FAILED',
      'notify:SUCCESS',
    ]);
    expect(json.taskRuns[0].error.message).toBe(`GET ${demo.api.url}/api/does-not-exist answered HTTP 404`);
  });

  it('masks a logged credential and secret as ******', async () => {
    const r = await run(join(ROOT, 'flows/masking.yaml'));
    expect(r.stderr).toContain('log_token INFO  token: ******');
    expect(r.stderr).toContain('log_token INFO  namespace credential: ******');
    expect(r.stderr).toContain('log_token INFO  secret: ******');
    const json = JSON.parse(r.stdout);
    expect(json.outputs).toEqual({ header: 'Bearer ******' });
    expect(json.taskRuns[1].outputs.uri).toBe(`${demo.api.url}/api/echo?key=******`);
    expect(json.taskRuns[1].outputs.body).toContain('"key":"******"');
  });
});

describe('credflow run: a client secret from Vault (namespace credflow.demo.secure)', () => {
  const vaultFlow = () => join(ROOT, 'flows/vault-secret.yaml');

  it('logs in with the AppRole, reads the secret from Vault once and calls the API as demo-vault', async () => {
    const before = { ...demo.vault.counts };
    const mints = demo.auth.mints;
    const r = await run(vaultFlow());
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ state: 'SUCCESS', namespace: 'credflow.demo.secure' });
    expect(json.outputs).toEqual({ client: 'demo-vault' });
    // The Vault server served this run's read: one AppRole login, one KV v2 read.
    expect(demo.vault.counts.logins - before.logins).toBe(1);
    expect(demo.vault.counts.reads - before.reads).toBe(1);
    expect(demo.auth.mints - mints).toBe(1);
  });

  it('secrets check names Vault as the provider of demo_vault, env for the tenant, ACME_SECRET_ for acme', async () => {
    const before = demo.vault.counts.reads;
    const r = await runCli(['secrets', 'check', '--config', config, '--json'], demo.secretEnv);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { credential: string; tenantId: string; provider?: string }[];
    const providerOf = (credential: string, tenantId = 'main') =>
      rows.find((x) => x.credential === credential && x.tenantId === tenantId)?.provider;
    expect(providerOf('demo_vault')).toBe(`vault ${demo.vault.url} secret/credflow/secure`);
    expect(providerOf('demo_oauth')).toBe('env SECRET_<NAME> (base64)');
    expect(providerOf('demo_oauth', 'acme')).toBe('env ACME_SECRET_<NAME> (base64)');
    // Only demo_vault's reference is Vault's: the namespace's provider is asked for that namespace only.
    expect(rows.filter((x) => x.provider?.startsWith('vault ')).map((x) => x.credential)).toEqual(['demo_vault']);
    expect(demo.vault.counts.reads - before).toBe(1);
  });

  it('has the secret in Vault only: without the AppRole secret id the flow fails naming the secret, the scope and the provider', async () => {
    const { DEMO_VAULT_SECRET_ID: _dropped, ...env } = demo.secretEnv;
    const r = await runCli(['run', vaultFlow(), '--config', config, '--json', '--input', `api=${demo.api.url}`], env);
    expect(r.code).toBe(1);
    expect(Object.keys(env).filter((k) => k.includes('DEMO_VAULT_CLIENT_SECRET'))).toEqual([]);
    const error = JSON.parse(r.stdout).taskRuns[0].error.message as string;
    expect(error).toContain(`vault ${demo.vault.url} secret/credflow/secure`);
    expect(error).toContain('DEMO_VAULT_SECRET_ID is not set');
    expect(error).toContain("secret 'DEMO_VAULT_CLIENT_SECRET' (tenant 'main', namespace 'credflow.demo.secure')");
  });
});

describe('credflow run: token lifecycle', () => {
  it('mints once for one credential used in three tasks', async () => {
    const file = await flowFile(
      'three.yaml',
      header() +
        request('a', '/api/oidc/ping', 'demo_oauth') +
        request('b', '/api/oidc/ping', 'demo_oauth') +
        request('c', '/api/oidc/ping', 'demo_oauth'),
    );
    const before = demo.auth.mints;
    const r = await run(file);
    expect(r.code, r.stderr).toBe(0);
    expect(demo.auth.mints - before).toBe(1);
  });

  it('mints per task with cache.enabled: false (once per task, however often the task uses it)', async () => {
    const twice = (id: string) =>
      `${request(id, '/api/oidc/ping', 'demo_oauth_nocache')}    headers: { X-Also: "<< credential('demo_oauth_nocache') >>" }\n`;
    const file = await flowFile('nocache.yaml', header() + twice('a') + twice('b') + twice('c'));
    const before = demo.auth.mints;
    expect((await run(file)).code).toBe(0);
    expect(demo.auth.mints - before).toBe(3);
  });

  it('replaces a revoked token after HTTP 401 and retries the request once', async () => {
    const file = await flowFile(
      'revoked.yaml',
      header() +
        request('revoke', '/api/oidc/revoke-me', 'demo_oauth', 'POST') +
        request('after', '/api/oidc/ping', 'demo_oauth'),
    );
    const before = demo.auth.mints;
    const r = await run(file);
    expect(r.code, r.stderr).toBe(0);
    expect(demo.auth.mints - before).toBe(2);
    expect(r.stderr).toContain("after WARN  HTTP 401 with credential 'demo_oauth': retrying once with a fresh token");
    expect(r.stderr).toMatch(/after +SUCCESS +\d+ ms \(2 attempts\)/);
  });

  it('fails after one retry when the API keeps answering 401', async () => {
    const file = await flowFile('still401.yaml', header() + request('x', '/api/google/projects', 'demo_oauth'));
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).taskRuns[0].error.message).toContain('answered HTTP 401');
  });
});

describe('credflow run: scope', () => {
  it('keeps a namespace credential invisible to another namespace and to another tenant', async () => {
    const other = await flowFile(
      'other-ns.yaml',
      header('credflow.demo') + request('x', '/api/oidc/ping', 'team_oauth'),
    );
    // Found before anything runs: the key is written in the template.
    // With --json, a flow refused before anything runs is the { ok: false, error } document on stdout (SPEC section 6).
    const r1 = await run(other);
    expect(r1.code).toBe(2);
    expect(JSON.parse(r1.stdout).error.message).toContain(
      "credential 'team_oauth' is not defined for this flow (tenant 'main', namespace 'credflow.demo')",
    );
    const team = await flowFile(
      'team.yaml',
      header('credflow.demo.team') + request('x', '/api/oidc/ping', 'team_oauth'),
    );
    expect((await run(team)).code).toBe(0);
    const r2 = await run(team, ['--tenant', 'acme']);
    expect(r2.code).toBe(2);
    expect(JSON.parse(r2.stdout).error.message).toContain(
      "credential 'team_oauth' is not defined for this flow (tenant 'acme'",
    );
    // A key computed at run time is checked when the task runs.
    const dynamic = await flowFile(
      'other-ns-dynamic.yaml',
      header('credflow.demo') + request('x', '/api/oidc/ping', "team_' ~ 'oauth"),
    );
    const r3 = await run(dynamic);
    expect(r3.code).toBe(1);
    expect(JSON.parse(r3.stdout).taskRuns[0].error.message).toContain(
      "Cannot find credential 'team_oauth' for tenant 'main' and namespace 'credflow.demo'",
    );
  });

  it('uses the tenant given with --tenant', async () => {
    const file = await flowFile('tenant.yaml', header() + request('x', '/api/oidc/ping', 'demo_oauth'));
    const r = await run(file, ['--tenant', 'acme']);
    expect(r.code).toBe(0);
    expect(JSON.parse(JSON.parse(r.stdout).taskRuns[0].outputs.body)).toMatchObject({ client: 'demo-team' });
  });

  it('names the flow file and line of an unknown credential', async () => {
    const file = await flowFile('unknown.yaml', header() + request('x', '/api/oidc/ping', "no' ~ 'pe"));
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).taskRuns[0].error.message).toBe(
      `tasks[0].auth.token (${file} line 10): Cannot find credential 'nope' for tenant 'main' and namespace 'credflow.demo' (looked in: namespace 'credflow.demo', tenant 'main').`,
    );
  });
});

describe('credflow run: inputs are data', () => {
  it('never evaluates a template that arrives in an input', async () => {
    const r = await runCli(
      ['run', 'flows/hello.yaml', '--json', '--input', "user=<< credential('demo_oauth') >>"],
      demo.secretEnv,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs.message).toBe("hello hello << credential('demo_oauth') >>");
  });
});
