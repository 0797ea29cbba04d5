/**
 * Issue 29, the CLI for daily use, through the built CLI: --version and
 * help, one JSON document under --json for every outcome, "did you mean"
 * for every name typed, token/exec/init, errors headed by the file at
 * fault, one YAML indentation mistake reported once at its line, and the
 * trailing-newline hint for base64 env secrets.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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
import { CLI, runCli, transcript } from './cli-helpers.js';

let demo: DemoEnvironment;
let dir: string;
let config: string;

beforeAll(async () => {
  demo = await startDemoEnvironment();
  dir = await mkdtemp(join(tmpdir(), 'credflow-daily-'));
  config = join(dir, 'credflow.yaml');
  await writeFile(config, demo.configYaml);
});

afterAll(async () => {
  // Only `credflow token` prints a token, on purpose: every other output is scanned.
  const all = transcript.filter((t) => !printedTokens.has(t.trim())).join('\n');
  const values = [...demo.secretValues.flatMap(secretNeedles), ...demo.api.seenTokens];
  expect(describeFindings(scanForLeaks(all, values)), 'a secret or token leaked').toEqual([]);
  await demo?.close();
});

const printedTokens = new Set<string>();
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('--version and help', () => {
  it.each([['--version'], ['-V'], ['version']])('%s prints the version', async (arg) => {
    const r = await runCli([arg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`credflow ${VERSION}\n`);
  });

  it.each([
    [['run']],
    [['validate']],
    [['credentials', 'test']],
    [['credentials', 'list']],
    [['secrets', 'check']],
    [['token']],
    [['exec']],
    [['init']],
    [['ui']],
  ])('help %j prints that command’s own help, as --help does', async (cmd) => {
    const viaHelp = await runCli(['help', ...cmd]);
    const viaFlag = await runCli([...cmd, '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toMatch(new RegExp(`^Usage: credflow ${cmd.join(' ')}`));
  });

  it.each([['credentials'], ['secrets']])('%s --help and help %s list the subcommands', async (group) => {
    const r = await runCli([group, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: credflow ${group} `));
    expect((await runCli(['help', group])).stdout).toBe(r.stdout);
  });

  it('help names an unknown command, with the near one', async () => {
    const r = await runCli(['help', 'rn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("help: unknown command 'rn' (did you mean 'run'?)");
  });
});

describe('--json: one JSON document on stdout for every outcome', () => {
  it('credentials test with an unknown key', async () => {
    const r = await runCli(['credentials', 'test', 'nope', '--config', config, '--json'], demo.secretEnv);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      key: 'nope',
      error: { code: 'ERR_CREDENTIAL_NOT_FOUND', message: expect.stringContaining("Cannot find credential 'nope'") },
    });
  });

  it('credentials test with a config that does not load, names the key and the issues', async () => {
    const bad = await file('bad-type.yaml', 'credentials:\n  x:\n    type: client_credential\n');
    const r = await runCli(['credentials', 'test', 'x', '--config', bad, '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, key: 'x', error: { code: 'ERR_CONFIG_INVALID' } });
    expect(doc.error.issues).toEqual([expect.objectContaining({ file: bad, line: 3, path: 'credentials.x.type' })]);
  });

  it.each([
    [['credentials', 'list', '--config', '/nonexistent/credflow.yaml', '--json'], 'ERR_CONFIG_NOT_FOUND'],
    [['credentials', 'list', '--json', '--bogus'], 'ERR_USAGE'],
    [['credentials', 'lst', '--json'], 'ERR_USAGE'],
    [['credentials', 'test', '--json'], 'ERR_USAGE'],
    [['secrets', 'check', '--json', '--namespace'], 'ERR_USAGE'],
    [['validate', '--json'], 'ERR_USAGE'],
    [['run', '--json'], 'ERR_USAGE'],
    [['init', 'a', 'b', '--json'], 'ERR_USAGE'],
  ])('%j', async (args, code) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
    expect(r.stderr).toBe('');
  });

  it('validate --json lists each file', async () => {
    const bad = await file('bad-flow.yaml', 'id: f\nnamespace: a.b\ntasks: []\n');
    const r = await runCli(['validate', 'flows/hello.yaml', bad, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      files: [
        { file: 'flows/hello.yaml', ok: true, flow: 'credflow.demo.hello', tasks: 3 },
        {
          file: bad,
          ok: false,
          error: {
            code: 'ERR_FLOW_INVALID',
            message: expect.any(String),
            issues: [expect.objectContaining({ file: bad })],
          },
        },
      ],
    });
  });

  it('version --json', async () => {
    const r = await runCli(['version', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ version: VERSION, node: process.version });
  });
});

describe('did you mean', () => {
  it.each([
    [['run', 'flows/hello.yaml', '--inptu', 'user=x'], "Unknown option '--inptu' (did you mean '--input'?)"],
    [['credentials', 'list', '--namspace', 'a'], "Unknown option '--namspace' (did you mean '--namespace'?)"],
    [['exec', '--evn', 'A=b', '--', 'true'], "Unknown option '--evn' (did you mean '--env'?)"],
  ])('options: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('credential keys in credentials test, token and exec', async () => {
    for (const args of [
      ['credentials', 'test', 'demo_oath', '--config', config],
      ['token', 'demo_oath', '--config', config],
      ['exec', '--config', config, '--env', 'T=demo_oath', '--', 'true'],
    ]) {
      const r = await runCli(args, demo.secretEnv);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain("Cannot find credential 'demo_oath'");
      expect(r.stderr).toContain("(did you mean 'demo_oauth'?)");
    }
  });

  it('secret names', async () => {
    const cfg = await file(
      'typo-secret.yaml',
      `credentials:\n  x:\n    type: client_credentials\n    tokenEndpoint: ${demo.auth.tokenEndpoint}\n    clientId: demo-client\n    clientSecret: { secret: DEMO_CLIENT_SECRT }\n`,
    );
    const r = await runCli(['credentials', 'test', 'x', '--config', cfg, '--json'], demo.secretEnv);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'ERR_SECRET_NOT_FOUND',
      message: expect.stringContaining("'DEMO_CLIENT_SECRT' (did you mean 'DEMO_CLIENT_SECRET'?)"),
    });
    const check = await runCli(['secrets', 'check', '--config', cfg], demo.secretEnv);
    expect(check.stdout).toContain("(did you mean 'DEMO_CLIENT_SECRET'?)");
  });

  it('credential types in config errors', async () => {
    const cfg = await file(
      'typo-type.yaml',
      'credentials:\n  x:\n    type: client_credential\n    tokenEndpoint: https://x/t\n    clientId: a\n',
    );
    const r = await runCli(['credentials', 'list', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      ":3: credentials.x.type: unknown credential type 'client_credential' (did you mean 'client_credentials'?): expected one of client_credentials,",
    );
  });

  it('task types name the type given and the near one', async () => {
    const flow = await file(
      'typo-task.yaml',
      'id: f\nnamespace: a.b\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Logg\n    message: hi\n',
    );
    const r = await runCli(['validate', flow]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      ":5: tasks[0].type: unknown task type 'io.kestra.plugin.core.log.Logg' (did you mean 'io.kestra.plugin.core.log.Log'?): expected one of",
    );
  });
});

describe('credflow token', () => {
  it('prints the live token, and only it, with a newline', async () => {
    const r = await runCli(['token', 'demo_oauth', '--config', config], demo.secretEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[\w.~+/=-]+\n$/);
    const token = r.stdout.trim();
    printedTokens.add(token);
    expect(await demo.auth.introspect(token)).toMatchObject({ active: true, clientId: 'demo-client' });
    expect(r.stderr).toBe('');
  });

  it('takes --tenant and --namespace', async () => {
    const r = await runCli(
      ['token', 'team_oauth', '--namespace', 'credflow.demo.team', '--config', config],
      demo.secretEnv,
    );
    expect(r.code, r.stderr).toBe(0);
    printedTokens.add(r.stdout.trim());
    expect((await demo.auth.introspect(r.stdout.trim())).active).toBe(true);
  });

  it('a failed mint: nothing on stdout, the error on stderr, masked, exit 1', async () => {
    const env = { ...demo.secretEnv, SECRET_DEMO_CLIENT_SECRET: Buffer.from('wrong-secret-value').toString('base64') };
    const r = await runCli(['token', 'demo_oauth', '--config', config], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid_client');
    expect(r.stderr).not.toContain('wrong-secret-value');
  });
});

/** Runs the built CLI with stdin a pipe, so a test can signal it. */
function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      transcript.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done, out: () => stdout };
}

describe('credflow exec', () => {
  it('runs a command with live tokens in its environment, masks them in its output, passes its exit code', async () => {
    const script = [
      'echo "token $API_TOKEN"',
      'echo "err $GH_TOKEN" >&2',
      `"${process.execPath}" -e "fetch('${demo.api.url}/api/oidc/ping',{headers:{authorization:'Bearer '+process.env.API_TOKEN}}).then(r=>console.log(r.status))"`,
      'printf "no newline %s" "$API_TOKEN"',
      'exit 7',
    ].join('; ');
    const r = await runCli(
      ['exec', '--env', 'API_TOKEN=demo_oauth', '--env', 'GH_TOKEN=gh', '--config', config, '--', 'sh', '-c', script],
      demo.secretEnv,
    );
    expect(r.code, r.stderr).toBe(7);
    expect(r.stdout).toBe('token ******\n200\nno newline ******');
    expect(r.stderr).toBe('err ******\n');
    expect(demo.api.seenTokens.length).toBeGreaterThan(0);
  });

  it('a command that is not found exits 127; a missing command or --env is a usage error', async () => {
    const r = await runCli(
      ['exec', '--env', 'T=demo_oauth', '--config', config, '--', 'no-such-cmd-xyz'],
      demo.secretEnv,
    );
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('command not found: no-such-cmd-xyz');
    expect((await runCli(['exec', '--env', 'T=demo_oauth', '--config', config])).code).toBe(2);
    expect((await runCli(['exec', '--', 'true'])).code).toBe(2);
    expect((await runCli(['exec', '--env', '1X=demo_oauth', '--', 'true'])).stderr).toContain(
      "'1X' is not a variable name",
    );
    // The command's own --json is not credflow's: errors stay on stderr.
    const own = await runCli(['exec', '--env', 'T=nope', '--config', config, 'sh', '-c', 'true', '--json']);
    expect(own.code).toBe(2);
    expect(own.stdout).toBe('');
    expect(own.stderr).toContain("Cannot find credential 'nope'");
  });

  it('forwards signals to the command, and exits as it does', async () => {
    const { child, done, out } = startCli(
      [
        'exec',
        '--env',
        'T=demo_oauth',
        '--config',
        config,
        '--',
        'sh',
        '-c',
        'trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 0.05; done',
      ],
      demo.secretEnv,
    );
    for (let i = 0; i < 100 && !out().includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await done;
    expect(r.stdout).toBe('ready\ngot TERM\n');
    expect(r.code).toBe(42);
  });
});

describe('credflow init', () => {
  it('writes a commented starter credflow.yaml and one flow that validates, and never overwrites', async () => {
    const target = await mkdtemp(join(tmpdir(), 'credflow-init-'));
    const r = await runCli(['init', target]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('credflow.yaml');
    const yaml = await readFile(join(target, 'credflow.yaml'), 'utf8');
    expect(yaml).toMatch(/^# credflow\.yaml/);
    expect(yaml).toContain("printf %s 'the-secret' | base64");
    const list = await runCli(['credentials', 'list', '--json'], {}, target);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ key: 'my_api', type: 'client_credentials' })]);
    const v = await runCli(['validate', 'flows/hello.yaml'], {}, target);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain('✓ flows/hello.yaml: company.team.hello, 2 task(s)');
    const again = await runCli(['init'], {}, target);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exist');
    expect(await readFile(join(target, 'credflow.yaml'), 'utf8')).toBe(yaml);
  });
});

describe('errors headed by the file at fault', () => {
  it('a flow file’s problems are headed "invalid flow"', async () => {
    const flow = await file(
      'two-problems.yaml',
      'id: f\nnamespace: a.b\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Log\n    mesage: hi\n    level: LOUD\n',
    );
    const r = await runCli(['validate', flow]);
    expect(r.stdout).toMatch(/^✗ invalid flow \(\d problems\):/);
    expect(r.stdout).not.toContain('invalid config');
  });

  it.each([
    [
      'a flow key indented one more than its siblings',
      'id: f\nnamespace: a.b\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x\n  - id: b\n    type: io.kestra.plugin.core.log.Log\n     message: bad\n  - id: c\n    type: io.kestra.plugin.core.log.Log\n    message: y\n',
      'validate',
      9,
      5,
      4,
    ],
    [
      'a flow key indented one less',
      'id: f\nnamespace: a.b\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x\n  - id: b\n   type: io.kestra.plugin.core.log.Log\n    message: bad\n',
      'validate',
      8,
      3,
      4,
    ],
    [
      'a credential field moved to column 0',
      'secrets:\n  - type: env\n\ncredentials:\n  a:\n    type: client_credentials\n    tokenEndpoint: http://127.0.0.1:1/token\n    clientId: c\n    clientSecret: { secret: S }\n  b:\n    type: client_credentials\n    tokenEndpoint: http://127.0.0.1:1/token\n    clientId: c\nclientSecret: { secret: S }\n    scopes: [api:read]\n  c:\n    type: client_credentials\n    tokenEndpoint: http://127.0.0.1:1/token\n    clientId: c\n    clientSecret: { secret: S }\n',
      'config',
      14,
      0,
      4,
    ],
    [
      'the first key of a credential indented too far',
      'credentials:\n  a:\n    type: client_credentials\n    tokenEndpoint: http://127.0.0.1:1/token\n  b:\n     type: client_credentials\n    tokenEndpoint: http://127.0.0.1:1/token\n    clientId: c\n    clientSecret: { secret: S }\n',
      'config',
      6,
      5,
      4,
    ],
  ])('%s: reported once, at its line', async (_name, text, kind, line, indent, expected) => {
    const path = await file(`indent-${line}-${indent}.yaml`, text);
    const r =
      kind === 'validate' ? await runCli(['validate', path]) : await runCli(['credentials', 'list', '--config', path]);
    expect(r.code).toBe(2);
    const out = kind === 'validate' ? r.stdout : r.stderr;
    expect(out.trim().split('\n')).toEqual([
      `${kind === 'validate' ? '✗' : 'credflow:'} ${path}:${line}: YAML syntax error: wrong indentation: this line is indented ${indent} space${indent === 1 ? '' : 's'} where ${expected} are expected (the keys of one mapping, and the items of one list, start at the same column)`,
    ]);
  });

  it('an unquoted ": " still gets the quoting hint (not an indentation error)', async () => {
    const flow = await file(
      'colon.yaml',
      'id: f\nnamespace: a.b\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: Bearer: x\n',
    );
    const r = await runCli(['validate', flow]);
    expect(r.stdout).toContain(':6: YAML syntax error:');
    expect(r.stdout).toContain('must be quoted');
    expect(r.stdout).not.toContain('wrong indentation');
  });

  it('a base64 env secret with a trailing newline (echo x | base64) gets a hint naming the secret', async () => {
    const env = { ...demo.secretEnv, SECRET_DEMO_CLIENT_SECRET: Buffer.from('some-secret\n').toString('base64') };
    const r = await runCli(['credentials', 'test', 'demo_oauth', '--config', config], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "credflow warning: secret 'DEMO_CLIENT_SECRET': environment variable SECRET_DEMO_CLIENT_SECRET decodes to one line ending with a newline",
    );
    expect(r.stderr).toContain("printf %s 'value' | base64");
    expect(r.stdout + r.stderr).not.toContain('some-secret');
    // A PEM key spans lines and ends with one: no hint.
    const ok = await runCli(['credentials', 'test', 'demo_pkjwt', '--config', config], demo.secretEnv);
    expect(ok.stderr).not.toContain('newline');
  });
});
