import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

const SECRET = 'mistakes-client-secret';
let as: AuthServer;
let dir: string;
const env = () => ({ SECRET_CLIENT: Buffer.from(SECRET).toString('base64') });
const cfg = (syntax?: string) => join(dir, syntax ? `credflow-${syntax}.yaml` : 'credflow.yaml');

beforeAll(async () => {
  as = await startAuthServer({
    clients: [
      {
        client_id: 'c',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'credflow-mistakes-'));
  const creds = `credentials:\n  dot: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: CLIENT } }\n`;
  await writeFile(cfg(), creds);
  await writeFile(cfg('pebble'), `templates: { syntax: pebble }\n${creds}`);
  await writeFile(cfg('credflow'), `templates: { syntax: credflow }\n${creds}`);
});
afterAll(async () => {
  await as?.close();
});

/** A flow with one Log task holding `message`, plus what the mistake needs around it. */
async function flow(name: string, message: string, extra = '') {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    [
      `id: ${name}`,
      'namespace: company.team',
      'inputs:',
      '  - id: user',
      '    type: STRING',
      '    defaults: world',
      'tasks:',
      '  - id: first',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: started',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      `    message: ${message}`,
      extra,
    ].join('\n'),
  );
  return file;
}

/** validate and run both refuse it with exit 2, naming file:line and saying what to do; nothing runs. */
async function refused(file: string, expected: RegExp, config = cfg()) {
  const mintsBefore = as.mints;
  const v = await runCli(['validate', '--config', config, file], env());
  expect(v.code, v.stdout + v.stderr).toBe(2);
  expect(v.stdout).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:13: tasks\\[1\\]\\.message: `));
  expect(v.stdout).toMatch(expected);
  const r = await runCli(['run', '--config', config, file], env());
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(expected);
  expect(r.stderr).not.toContain('started'); // the first task did not run
  expect(as.mints).toBe(mintsBefore);
}

describe('mistakes a Kestra user makes are caught before anything runs', () => {
  it('Pebble {{ }} where credflow.yaml forces the credflow syntax, with the hint', async () => {
    await refused(
      await flow('pebble_in_credflow', `"{{ credential('dot') }}"`),
      /looks like a Pebble expression .* `templates: \{ syntax: credflow \}` in credflow.yaml\): write << … >> and <% … %>/,
      cfg('credflow'),
    );
  });

  it('a flow file mixing both syntaxes, naming a line of each; without a setting each file uses its own', async () => {
    const mixed = await flow(
      'mixed',
      `"{{ credential('dot') }}"`,
      '  - id: more\n    type: io.kestra.plugin.core.log.Log\n    message: "<< 1 >>"\n',
    );
    const v = await runCli(['validate', '--config', cfg(), mixed], env());
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(
      /mixes both template syntaxes: Pebble's \{\{ \}\} \(line 13\) and credflow's << >> \(line 16\)/,
    );
    const pebbleOnly = await flow('pebble_only', `"{{ credential('dot') | length > 0 }}"`);
    const r = await runCli(['run', '--config', cfg(), pebbleOnly], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('true');
  });

  it('a misspelt input (strict variables), with "did you mean"', async () => {
    await refused(
      await flow('typo_input', '"hello <<inputs.usr>>"'),
      /'inputs.usr' is not a declared input \(did you mean 'user'\?\)/,
    );
    await refused(
      await flow('typo_root', '"hello << inptus.user >>"'),
      /unknown variable 'inptus' \(did you mean 'inputs'\?\)/,
    );
    await refused(
      await flow('typo_output', '"<< outputs.frist.value >>"'),
      /'outputs.frist' names no task of this flow \(did you mean 'first'\?\)/,
    );
  });

  it('a credential key the flow\'s scope does not see, with "did you mean"', async () => {
    await refused(
      await flow('typo_credential', `"<< credential('dott') >>"`),
      /credential 'dott' is not defined for this flow \(tenant 'main', namespace 'company.team'\) \(did you mean 'dot'\?\)/,
    );
  });

  it('unknown functions, filters and tests, with "did you mean"', async () => {
    await refused(
      await flow('typo_fn', `"<< credentail('dot') >>"`),
      /unknown function 'credentail\(\)' \(did you mean 'credential'\?\)/,
    );
    await refused(
      await flow('typo_filter', '"<< inputs.user | uper >>"'),
      /unknown filter 'uper' \(did you mean 'upper'\?\)/,
    );
    await refused(
      await flow('typo_test', '"<< inputs.user is defind >>"'),
      /unknown test 'defind' \(did you mean 'defined'\?\)/,
    );
  });

  it('an unquoted value holding ": " gets the quoting hint', async () => {
    const file = await flow('colon', "Bearer: << credential('dot') >>");
    const v = await runCli(['validate', '--config', cfg(), file], env());
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/:13: YAML syntax error: .*a value that holds ": " must be quoted/);
  });

  it('an unknown output type is refused; declared types convert the rendered value', async () => {
    const bad = await flow('bad_type', 'hi', 'outputs:\n  - id: n\n    type: FOO\n    value: "1"\n');
    const v = await runCli(['validate', '--config', cfg(), bad], env());
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(
      /outputs\[0\]\.type: unknown output type: expected one of STRING, INT, FLOAT, BOOLEAN, JSON/,
    );
    const good = await flow(
      'typed',
      'hi',
      'outputs:\n  - id: n\n    type: INT\n    value: "<< 40 + 2 >>"\n  - id: j\n    type: JSON\n    value: \'<< {"a": [1]} | dump >>\'\n  - id: b\n    type: BOOLEAN\n    value: "<< inputs.user == \'world\' >>"\n',
    );
    const r = await runCli(['run', '--json', '--config', cfg(), good], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual({ n: 42, j: { a: [1] }, b: true });
    const wrong = await flow('wrong', 'hi', 'outputs:\n  - id: n\n    type: INT\n    value: "<< inputs.user >>"\n');
    const w = await runCli(['run', '--config', cfg(), wrong], env());
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(
      /outputs\[0\]\.value \(.*wrong\.yaml line \d+\): does not fit type INT: the value is not an integer/,
    );
    expect(w.stderr).not.toContain("'world'");
  });

  it('a run-time template error is one clean message (no repeated location)', async () => {
    const file = await flow('runtime', '"<< (fromJson(\'{}\')).missing >>"');
    const r = await runCli(['run', '--config', cfg(), file], env());
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.includes('ERROR')) ?? '';
    expect(line).toMatch(/tasks\[1\]\.message \(.*runtime\.yaml line 13\): '.*missing' is undefined/);
    expect(line.match(/runtime\.yaml/g)?.length).toBe(1);
    expect(line).not.toMatch(/Error: |Template render error/);
  });

  it('the same flow in both syntaxes gives identical output', async () => {
    const body = (o: string, c: string) =>
      [
        'variables:',
        '  names: [ada, grace]',
        'outputs:',
        '  - id: text',
        `    value: "${o} for n in vars.names ${c}<< n | upper >>-${o} endfor ${c}<< inputs.user ?? 'x' >> << credential('dot') | length >>"`,
      ].join('\n');
    const credflowFile = await flow('both_credflow', 'hi', body('<%', '%>'));
    const pebbleFile = await flow('both_pebble', 'hi', body('{%', '%}').replaceAll('<<', '{{').replaceAll('>>', '}}'));
    const a = await runCli(['run', '--json', '--config', cfg(), credflowFile], env());
    const b = await runCli(['run', '--json', '--config', cfg('pebble'), pebbleFile], env());
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(a.stdout).outputs.text).toMatch(/^ADA-GRACE-world \d+$/);
    expect(JSON.parse(b.stdout).outputs).toEqual(JSON.parse(a.stdout).outputs);
    // And each syntax refuses the other's, with the hint.
    const mixed = await runCli(['validate', '--config', cfg('pebble'), credflowFile], env());
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toMatch(/looks like a credflow expression/);
  });
});
