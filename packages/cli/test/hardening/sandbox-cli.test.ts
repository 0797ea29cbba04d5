import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthServer, startAuthServer, TEMPLATE_ESCAPES } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli-helpers.js';

const CLIENT_SECRET = 'sandbox-cli-client-secret';
const CANARY = 'sandbox-cli-canary-environment-value';
let as: AuthServer;
let dir: string;
let config: string;
const env = () => ({
  SECRET_CLIENT: Buffer.from(CLIENT_SECRET).toString('base64'),
  SECRET_CANARY: Buffer.from(CANARY).toString('base64'),
});

/**
 * The corpus as a flow author would write it: host data becomes flow
 * variables. Escapes through a function found in host data cannot be
 * written in a flow (YAML has no functions): they are covered by the
 * template extension's own tests.
 */
const PAYLOADS = TEMPLATE_ESCAPES.filter((p) => !p.includes('data.fn')).map((p) =>
  p.replace(/\bdata\b/g, 'vars.data').replace(/\bkeys\./g, 'vars.keys.'),
);

const flowYaml = (i: number, payload: string) =>
  [
    `id: escape_${i}`,
    'namespace: company.team',
    'variables:',
    '  data: { nested: { a: 1 }, list: [1, 2] }',
    '  keys: { c: constructor, p: __proto__ }',
    'tasks:',
    '  - id: before',
    '    type: io.kestra.plugin.core.log.Log',
    '    message: "before << credential(\'api\') | length >>"',
    '  - id: escape',
    '    type: io.kestra.plugin.core.log.Log',
    `    message: ${JSON.stringify(payload)}`,
    'errors:',
    '  - id: handler',
    '    type: io.kestra.plugin.core.log.Log',
    '    message: handler ran',
    '',
  ].join('\n');

beforeAll(async () => {
  as = await startAuthServer({
    clients: ['c-main', 'c-acme'].map((id) => ({
      client_id: id,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
  });
  dir = await mkdtemp(join(tmpdir(), 'credflow-escapes-'));
  const cc = (id: string) =>
    `{ type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: ${id}, clientSecret: { secret: CLIENT } }`;
  config = join(dir, 'credflow.yaml');
  await writeFile(
    config,
    `credentials:\n  api: ${cc('c-main')}\ntenants:\n  acme:\n    credentials:\n      api: ${cc('c-acme')}\n`,
  );
  await Promise.all(PAYLOADS.map((p, i) => writeFile(join(dir, `escape_${i}.yaml`), flowYaml(i, p))));
});
afterAll(async () => {
  await as?.close();
});

function assertQuiet(r: CliResult, what: string) {
  const all = r.stdout + r.stderr;
  for (const v of [CLIENT_SECRET, CANARY, env().SECRET_CANARY, env().SECRET_CLIENT]) {
    expect(all, what).not.toContain(v);
  }
  expect(all, what).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

describe('the escape corpus through the CLI', () => {
  it(`validate refuses the flows (exit 2), naming each static escape`, async () => {
    const files = PAYLOADS.map((_p, i) => join(dir, `escape_${i}.yaml`));
    const r = await runCli(['validate', '--config', config, ...files], env());
    assertQuiet(r, 'validate');
    expect(r.code).toBe(2);
    const refused = r.stdout.split('\n').filter((l) => l.startsWith('✗') && l.includes('is not allowed'));
    // Only keys computed from data or filters are unknown before the run (the run refuses them, below).
    const dynamic = PAYLOADS.filter((p) => /\[vars\.keys\.|\| join\(""\)\]/.test(p));
    expect(dynamic.length).toBe(3);
    expect(refused.length).toBe(PAYLOADS.length - dynamic.length);
  });

  it('run exits 2 for every escape, prints nothing secret and runs no errors handler', async () => {
    const failures: string[] = [];
    const mintsBefore = as.mints;
    for (let i = 0; i < PAYLOADS.length; i += 4) {
      const batch = PAYLOADS.slice(i, i + 4).map(async (payload, j) => {
        const r = await runCli(['run', '--config', config, join(dir, `escape_${i + j}.yaml`)], env());
        assertQuiet(r, payload);
        if (r.code !== 2 || !r.stderr.includes('is not allowed') || r.stderr.includes('handler ran')) {
          failures.push(`${payload} -> exit ${r.code}: ${r.stderr.slice(0, 300)}`);
        }
      });
      await Promise.all(batch);
    }
    expect(failures).toEqual([]);
    // Only the `before` tasks of the 3 flows that got past validation minted (tenant main, its own credential).
    expect(as.mints - mintsBefore).toBe(3);
  }, 120_000);
});
