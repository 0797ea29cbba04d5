/**
 * Issue 29 / SPEC section 6: validate and run check every literal
 * secret('NAME') of a flow against what the flow's secret providers hold,
 * naming the file and the line and the near name ("did you mean"), where
 * the providers list locally (env with its prefix, file); never a value,
 * and no check where a remote manager is asked (nothing is listed there).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, transcript } from './cli-helpers.js';

const VALUE = 'flow-secret-value-71c0d2';
const FILE_VALUE = 'file-secret-value-0b99e4';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-flow-secrets-'));
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'secrets', 'report_api_key'), `${FILE_VALUE}\n`);
  await writeFile(
    join(dir, 'credflow.yaml'),
    `secrets:
  - type: env
    encoding: plain
    prefix: MY_
namespaces:
  company.files:
    secrets:
      - type: file
        dir: ./secrets
  company.remote:
    secrets:
      - type: vault
        address: http://127.0.0.1:9
        path: credflow/remote
        auth:
          method: token
          token: { env: NO_SUCH_VAULT_TOKEN }
`,
  );
  const flow = (namespace: string, name: string) => `id: uses_secret
namespace: ${namespace}
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: hello
  - id: uses
    type: io.kestra.plugin.core.log.Log
    message: |
      length:
      << secret('${name}') | length >>
`;
  await writeFile(join(dir, 'typo.yaml'), flow('company.team', 'CLIENT_SECERT'));
  await writeFile(join(dir, 'right.yaml'), flow('company.team', 'CLIENT_SECRET'));
  await writeFile(join(dir, 'file-typo.yaml'), flow('company.files', 'report_api_kye'));
  await writeFile(join(dir, 'remote.yaml'), flow('company.remote', 'CLIENT_SECERT'));
});

afterAll(() => {
  const all = transcript.join('\n');
  expect(all).not.toContain(VALUE);
  expect(all).not.toContain(FILE_VALUE);
});

const env = () => ({ MY_CLIENT_SECRET: VALUE, MY_OTHER: 'other-value-3a1f' });

describe("secret('NAME') in flows: did you mean", () => {
  it('validate names the file, the line and the near name (env provider with its prefix)', async () => {
    const r = await runCli(['validate', 'typo.yaml'], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      "typo.yaml:9: tasks[1].message: template line 2: secret 'CLIENT_SECERT' is not found for this flow (tenant 'main', namespace 'company.team'; env MY_<NAME> (plain)) (did you mean 'CLIENT_SECRET'?)",
    );
    expect(r.stdout).not.toContain('other-value-3a1f');
  });

  it('run refuses it before any task runs, exit 2, in the --json document too', async () => {
    const r = await runCli(['run', 'typo.yaml', '--json'], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('first started');
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      error: { code: string; issues: { file: string; line: number; message: string }[] };
    };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('ERR_FLOW_INVALID');
    expect(doc.error.issues).toEqual([
      expect.objectContaining({
        file: 'typo.yaml',
        line: 9,
        message: expect.stringContaining("secret 'CLIENT_SECERT' is not found for this flow"),
      }),
    ]);
    expect(doc.error.issues[0]?.message).toContain("(did you mean 'CLIENT_SECRET'?)");
  });

  it('a name the provider holds passes, and the run reads it', async () => {
    expect((await runCli(['validate', 'right.yaml'], env(), dir)).code).toBe(0);
    const r = await runCli(['run', 'right.yaml'], env(), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`length:\n${VALUE.length}`);
  });

  it('a file provider of the namespace: the near file name', async () => {
    const r = await runCli(['validate', 'file-typo.yaml'], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("secret 'report_api_kye' is not found for this flow");
    expect(r.stdout).toContain("(did you mean 'report_api_key'?)");
  });

  it('a scope that asks a remote manager is not checked (its names are not listed)', async () => {
    const r = await runCli(['validate', 'remote.yaml'], env(), dir);
    expect(r.stdout + r.stderr).not.toContain('CLIENT_SECERT');
    expect(r.code, r.stdout).toBe(0);
  });
});
