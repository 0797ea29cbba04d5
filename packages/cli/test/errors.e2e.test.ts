import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoEnvironment, startDemoEnvironment } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

let demo: DemoEnvironment;
let dir: string;
let config: string;
beforeAll(async () => {
  demo = await startDemoEnvironment();
  dir = await mkdtemp(join(tmpdir(), 'credflow-errors-'));
  config = join(dir, 'credflow.yaml');
  await writeFile(config, demo.configYaml);
});
afterAll(() => demo?.close());

async function flow(name: string, yaml: string) {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

const LOG = '  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

describe('flow errors exit 2 before any task runs, naming file, path and line', () => {
  it.each([
    [
      'unknown task type',
      'id: f\nnamespace: a.b\ntasks:\n  - id: x\n    type: io.kestra.Nope\n',
      ":5: tasks[0].type: unknown task type 'io.kestra.Nope': expected one of io.kestra.plugin.core.http.Request",
    ],
    [
      'missing id',
      'id: f\nnamespace: a.b\ntasks:\n  - type: io.kestra.plugin.core.log.Log\n    message: hi\n',
      ':4: tasks[0].id: is required',
    ],
    [
      'duplicate task ids',
      `id: f\nnamespace: a.b\ntasks:\n${LOG}${LOG}`,
      ":7: tasks[1].id: duplicate task id 'log' (first used at tasks[0])",
    ],
    [
      'bad input type',
      `id: f\nnamespace: a.b\ninputs:\n  - { id: x, type: TEXT }\ntasks:\n${LOG}`,
      ':4: inputs[0].type: unknown input type: expected one of STRING, INT',
    ],
    [
      'unknown field',
      `id: f\nnamespace: a.b\ntasks:\n${LOG}    mesage: typo\n`,
      ":7: tasks[0].mesage: unknown field 'mesage'",
    ],
    [
      'bad default',
      `id: f\nnamespace: a.b\ninputs:\n  - { id: n, type: INT, defaults: many }\ntasks:\n${LOG}`,
      ':4: inputs[0].defaults: does not fit type INT: expected an integer between',
    ],
    [
      'template syntax',
      'id: f\nnamespace: a.b\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: "<< credential( >>"\n',
      ':6: tasks[0].message: template error',
    ],
    [
      'macro misuse',
      'id: f\nnamespace: a.b\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: "<% macro m() %><< secret(\'A\') >><% endmacro %>"\n',
      'secret() cannot be used inside a macro',
    ],
    ['YAML syntax', 'id: f\nnamespace: [\n', 'YAML syntax error'],
    ['no tasks', 'id: f\nnamespace: a.b\ntasks: []\n', 'a flow needs at least one task'],
  ])('%s', async (_name, yaml, message) => {
    const file = await flow('bad.yaml', yaml);
    const before = demo.api.hits.size;
    const r = await runCli(['run', file, '--config', config], demo.secretEnv);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(demo.api.hits.size).toBe(before);
    const v = await runCli(['validate', file, '--config', config], demo.secretEnv);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain(message);
  });

  it('validate checks many files and exits 0 when all are valid', async () => {
    const r = await runCli(['validate', 'flows/hello.yaml', 'flows/masking.yaml', 'flows/errors.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ flows/hello.yaml: credflow.demo.hello, 3 task(s)');
  });
});

describe('input and usage errors exit 2', () => {
  it.each([
    [['--input', 'times=many'], "input 'times' (INT): expected an integer between"],
    [['--input', 'nobody=1'], "unknown input 'nobody' (the flow declares: user, times)"],
    [['--input', 'novalue'], "--input number 1 must be name=value (no '=' after a name)"],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('run flows/hello.yaml %j', async (args, message) => {
    const r = await runCli(['run', 'flows/hello.yaml', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a required input without default', async () => {
    const file = await flow(
      'req.yaml',
      `id: f\nnamespace: a.b\ninputs:\n  - { id: who, type: STRING }\ntasks:\n${LOG}`,
    );
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("input 'who' (STRING) is required");
  });

  it.each([[[]], [['run']], [['nope']], [['credentials', 'nope']], [['credentials', 'test']]])(
    'usage %j',
    async (args) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
    },
  );

  it('a missing or invalid config file', async () => {
    const missing = await runCli(['run', 'flows/hello.yaml', '--config', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: config file not found');
    const bad = join(dir, 'bad-config.yaml');
    await writeFile(
      bad,
      'credentials:\n  x:\n    type: client_credentials\n    tokenEndpoint: https://x/t\n    clientId: a\n    clientSecret: hunter2\n',
    );
    const r = await runCli(['credentials', 'list', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':6: credentials.x.clientSecret: plain values are not allowed');
    expect(r.stderr).not.toContain('hunter2');
    const env = await runCli(['credentials', 'list'], { CREDFLOW_CONFIG: bad });
    expect(env.code).toBe(2);
  });

  it.each([['run'], ['validate'], ['credentials', 'list'], ['credentials', 'test']])('%s --help', async (...cmd) => {
    const r = await runCli([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: credflow/);
  });
});

describe('credflow credentials', () => {
  it('test reports metadata without the token', async () => {
    const r = await runCli(['credentials', 'test', 'demo_oauth', '--config', config, '--json'], demo.secretEnv);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual({
      ok: true,
      key: 'demo_oauth',
      type: 'client_credentials',
      scope: 'tenant',
      tokenType: 'Bearer',
      expiresIn: 3600,
      expiresAt: expect.any(String),
      scopes: ['api:read'],
      endpoint: demo.auth.tokenEndpoint,
      durationMs: expect.any(Number),
    });
    const human = await runCli(
      ['credentials', 'test', 'team_oauth', '--namespace', 'credflow.demo.team', '--config', config],
      demo.secretEnv,
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /✓ team_oauth \(client_credentials, namespace credflow\.demo\.team\): token minted in \d+ ms/,
    );
    expect(human.stdout).toContain('lifetime    3600 s (PT1H)');
  });

  it('test exits 1 with the RFC 6749 error for a wrong secret, and 2 for an unknown key', async () => {
    const env = { ...demo.secretEnv, SECRET_DEMO_CLIENT_SECRET: Buffer.from('wrong-secret-value').toString('base64') };
    const r = await runCli(['credentials', 'test', 'demo_oauth', '--config', config, '--json'], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      key: 'demo_oauth',
      error: { code: 'ERR_OAUTH_ERROR_RESPONSE', message: expect.stringContaining('invalid_client'), status: 401 },
    });
    expect(r.stdout + r.stderr).not.toContain('wrong-secret-value');
    const unknown = await runCli(['credentials', 'test', 'nope', '--config', config], demo.secretEnv);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Cannot find credential 'nope' for tenant 'main'");
  });

  it('list shows keys, levels and secret names, never values', async () => {
    const r = await runCli(['credentials', 'list', '--config', config, '--json'], demo.secretEnv);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { key: string; level: string; secrets: { secret: string }[] }[];
    expect(list.map((c) => c.key)).toContain('team_oauth');
    expect(list.find((c) => c.key === 'gh')?.secrets).toEqual([{ field: 'privateKey', secret: 'GH_APP_KEY' }]);
    for (const v of demo.secretValues) expect(r.stdout).not.toContain(v);
    const ns = await runCli(
      ['credentials', 'list', '--config', config, '--namespace', 'credflow.demo.team'],
      demo.secretEnv,
    );
    expect(ns.stdout).toContain('team_oauth');
    expect(ns.stdout).toMatch(/^KEY +TENANT +LEVEL/);
  });
});

describe('did you mean, and unknown tenants', () => {
  it('suggests the command meant', async () => {
    const r = await runCli(['rn', 'flows/hello.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "credflow: unknown command 'rn' (did you mean 'run'?)\nRun 'credflow --help' for usage.",
    );
    const c = await runCli(['credentials', 'lst']);
    expect(c.stderr).toContain("unknown credentials command 'lst' (did you mean 'list'?)");
  });

  it('warns when --tenant names a tenant the config does not define', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credflow-tenant-'));
    const config = join(dir, 'credflow.yaml');
    await writeFile(config, 'tenants:\n  acme: {}\n');
    const r = await runCli(['credentials', 'list', '--config', config, '--tenant', 'acm']);
    expect(r.stderr).toContain(
      `credflow warning: tenant 'acm' is not defined in ${config} (did you mean 'acme'?): it has no credentials`,
    );
  });
});
