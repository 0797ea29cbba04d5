import { access, readFile } from 'node:fs/promises';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import {
  type AuthServer,
  clientCredentialsClient,
  describeFindings,
  scanForLeaks,
  secretNeedles,
  startAuthServer,
} from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../../src/execution/execution.js';
import { runFlow } from '../../../src/execution/run-flow.js';
import { flowTemplateChecker } from '../../../src/execution/template-checks.js';
import { createTemplateEnvironment } from '../../../src/execution/template-environment.js';
import { FlowError } from '../../../src/flow/flow-errors.js';
import { parseFlow } from '../../../src/flow/load-flow.js';

const ENABLED = 'tasks: { process: { enabled: true } }\n';

async function run(tasks: string, config = ENABLED, extra = ''): Promise<Execution> {
  const flow = parseFlow(`id: s\nnamespace: company.team\n${extra}tasks:\n${tasks}`, 'flow.yaml');
  return runFlow(flow, { store: CredentialStore.fromYaml(config) });
}
const logs = (e: Execution, taskId: string) =>
  e.logs.filter((l) => l.taskId === taskId).map((l) => `${l.level} ${l.message}`);

describe('io.kestra.plugin.scripts.shell.Commands (Process task runner)', () => {
  it('stdout lines are INFO, ::{"outputs"}:: lines become vars, exitCode 0: SUCCESS', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner: { type: io.kestra.plugin.core.runner.Process }
    commands:
      - echo hello
      - echo '::{"outputs":{"n":1,"s":"two","nil":null}}::'
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "<< outputs.sh.vars.s >> << outputs.sh.exitCode >>"
`);
    expect(e.state).toBe('SUCCESS');
    expect(logs(e, 'sh')).toEqual(['INFO hello']);
    expect(e.taskRuns[0]?.outputs).toEqual({ vars: { n: 1, s: 'two', nil: null }, exitCode: 0 });
    expect(e.taskRuns[1]?.outputs.value).toBe('two 0');
  });

  it('stderr lines are ERROR and end the task WARNING (warningOnStdErr, as Kestra), unless warningOnStdErr: false', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ['echo 0', 'echo 1', '>&2 echo 2', '>&2 echo 3']
  - id: quiet
    type: io.kestra.plugin.scripts.shell.Commands
    warningOnStdErr: false
    commands: ['>&2 echo oops']
`);
    expect(logs(e, 'sh')).toEqual(['INFO 0', 'INFO 1', 'ERROR 2', 'ERROR 3']);
    expect(e.taskRuns.map((r) => r.state)).toEqual(['WARNING', 'SUCCESS']);
    expect(e.state).toBe('WARNING');
  });

  it('a non-zero exit fails the task and keeps its outputs (CommandsTest.failed: exit 66)', async () => {
    const e = await run(
      `
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ['echo "::{\\"outputs\\":{\\"before\\":true}}::"', 'echo 1 1>&2', 'exit 66', 'echo 2']
`,
      ENABLED,
      `errors:
  - id: code
    type: io.kestra.plugin.core.debug.Return
    format: "<< outputs.sh.exitCode >> << outputs.sh.vars.before >>"
`,
    );
    expect(e.state).toBe('FAILED');
    const sh = e.taskRuns[0];
    expect(sh?.state).toBe('FAILED');
    expect(sh?.outputs).toEqual({ vars: { before: true }, exitCode: 66 });
    expect(sh?.error).toBe('Command failed with exit code 66');
    expect(logs(e, 'sh')).toEqual(['ERROR 1', 'ERROR Command failed with exit code 66']);
    expect(e.taskRuns[1]?.outputs.value).toBe('66 true');
  });

  it('failFast (default) stops at the first failing command (set -e); failFast: false runs them all', async () => {
    const stop = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ['unknown_command_xyz', 'echo 1']
`);
    expect(stop.taskRuns[0]?.outputs.exitCode).toBe(127);
    expect(logs(stop, 'sh').filter((l) => l.startsWith('INFO'))).toEqual([]);
    const go = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    failFast: false
    commands: ['unknown_command_xyz', 'echo 1']
`);
    expect(go.taskRuns[0]?.outputs.exitCode).toBe(0);
    expect(logs(go, 'sh').filter((l) => l.startsWith('INFO'))).toEqual(['INFO 1']);
    expect(go.state).toBe('WARNING');
  });

  it('the child gets PATH, HOME, LANG, WORKING_DIR and its env: only (never SECRET_* of the runner)', async () => {
    process.env.SECRET_SHELL_TEST = 'c2hvdWxkIG5vdCBsZWFr';
    process.env.CREDFLOW_OTHER = 'other';
    try {
      const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    env: { GREETING: "hello << flow.id >>", N: 3 }
    commands:
      - env | cut -d= -f1 | sort
      - echo "$GREETING $N"
`);
      const names = logs(e, 'sh').map((l) => l.slice(5));
      const own = names.filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n));
      expect(own.slice(0, -1).sort()).toEqual(
        [
          'GREETING',
          'N',
          'WORKING_DIR',
          'PATH',
          ...['HOME', 'LANG'].filter((k) => process.env[k] !== undefined),
        ].sort(),
      );
      expect(names.at(-1)).toBe('hello s 3');
      expect(JSON.stringify(e)).not.toContain('SECRET_SHELL_TEST');
    } finally {
      delete process.env.SECRET_SHELL_TEST;
      delete process.env.CREDFLOW_OTHER;
    }
  });

  it('runs in a fresh temporary directory, removed afterwards', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - touch made-here
      - 'echo "::{\\"outputs\\":{\\"dir\\":\\"$PWD\\",\\"wd\\":\\"$WORKING_DIR\\",\\"files\\":\\"$(ls)\\"}}::"'
`);
    const vars = e.taskRuns[0]?.outputs.vars as { dir: string; wd: string; files: string };
    expect(vars.files).toBe('made-here');
    expect(vars.dir).toMatch(/credflow-task-/);
    expect(vars.wd).toBe(vars.dir);
    await expect(access(vars.dir)).rejects.toThrow();
  });

  it('timeout ends the whole process group (a background child too)', async () => {
    const t0 = performance.now();
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    timeout: PT1S
    commands:
      - sleep 30 &
      - echo "pid $!"
      - wait
`);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns[0]?.error).toContain('timed out');
    const pid = Number(logs(e, 'sh')[0]?.replace('INFO pid ', ''));
    expect(pid).toBeGreaterThan(0);
    // The background sleep is gone (SIGTERM to the group), or a zombie waiting for init.
    const alive = async () => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      return !/^\d+ \(.*\) Z/.test(stat);
    };
    for (let i = 0; i < 30 && (await alive()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await alive()).toBe(false);
  });

  it('beforeCommands run first, interpreter is configurable, lines end with \\n, \\r\\n or \\r', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    interpreter: ['/bin/sh', '-u', '-c']
    beforeCommands: ['X=before']
    commands: ['echo "$X"', 'printf "a\\r\\nb\\rc\\n"', 'printf "no newline"']
`);
    expect(logs(e, 'sh')).toEqual(['INFO before', 'INFO a', 'INFO b', 'INFO c', 'INFO no newline']);
  });

  it('containerImage is ignored with a notice; another task runner is an error when the flow is loaded', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    containerImage: ubuntu:22.04
    commands: ['echo ok']
`);
    expect(logs(e, 'sh')[0]).toMatch(/^INFO containerImage is ignored: credflow runs script tasks as local processes/);
    expect(e.state).toBe('SUCCESS');
    expect(() =>
      parseFlow(
        `id: s\nnamespace: n\ntasks:\n  - id: sh\n    type: io.kestra.plugin.scripts.shell.Commands\n    taskRunner: { type: io.kestra.plugin.scripts.runner.docker.Docker }\n    commands: [x]\n`,
        'flow.yaml',
      ),
    ).toThrow(/flow\.yaml:6: tasks\[0\]\.taskRunner\.type: credflow runs script tasks as local processes only/);
  });

  it('an invalid ::{...}:: line is a WARN that does not quote it', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ['echo "::{not json secretish}::"']
`);
    expect(logs(e, 'sh')).toEqual(['WARN invalid ::{...}:: line (not JSON: SyntaxError): ignored']);
  });
});

describe('io.kestra.plugin.scripts.shell.Script', () => {
  it('runs the script text (multi-line) after beforeCommands', async () => {
    const e = await run(`
  - id: script
    type: io.kestra.plugin.scripts.shell.Script
    beforeCommands: ['A=1']
    script: |
      B=2
      echo "sum $((A + B))"
      echo '::{"outputs":{"done":true}}::'
`);
    expect(e.state).toBe('SUCCESS');
    expect(logs(e, 'script')).toEqual(['INFO sum 3']);
    expect(e.taskRuns[0]?.outputs).toEqual({ vars: { done: true }, exitCode: 0 });
  });
});

describe('script tasks are opt-in (tasks.process.enabled)', () => {
  const FLOW = `id: s
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
  - id: par
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: sh
        type: io.kestra.plugin.scripts.shell.Script
        script: echo should-not-run
`;
  it('run refuses before anything runs, naming the task line and the config line to add', async () => {
    const store = CredentialStore.fromYaml('credentials: {}\n', { file: 'credflow.yaml' });
    const err = await runFlow(parseFlow(FLOW, 'flow.yaml'), { store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect((err as Error).message).toContain(
      'flow.yaml:11: tasks[1].tasks[0].type: io.kestra.plugin.scripts.shell.Script runs a local process: script tasks are off unless credflow.yaml enables them; add `tasks: { process: { enabled: true } }` to credflow.yaml',
    );
  });
  it('validate (the template checks) refuses the same way, with file and line', () => {
    const store = CredentialStore.fromYaml('tasks: { process: { enabled: false } }\n', { file: 'my.yaml' });
    const checkTemplate = flowTemplateChecker(createTemplateEnvironment(store), store, 'main');
    expect(() => parseFlow(FLOW, 'flow.yaml', { checkTemplate })).toThrow(
      /flow\.yaml:11: tasks\[1\]\.tasks\[0\]\.type: io\.kestra\.plugin\.scripts\.shell\.Script runs a local process: .* add `tasks: \{ process: \{ enabled: true \} \}` to my\.yaml/,
    );
    const on = CredentialStore.fromYaml(ENABLED);
    expect(() =>
      parseFlow(FLOW, 'flow.yaml', { checkTemplate: flowTemplateChecker(createTemplateEnvironment(on), on, 'main') }),
    ).not.toThrow();
  });
});

describe('a token in env: is masked in every line, output and error', () => {
  const SECRET = 'shell-task-client-secret-0123456789';
  let as: AuthServer;
  beforeAll(async () => {
    as = await startAuthServer({
      clients: [clientCredentialsClient('c', SECRET)],
    });
  });
  afterAll(async () => {
    await as?.close();
  });

  it('echoed plain, base64, in ::{outputs}::, on stderr and in the error: the leak scanner finds nothing', async () => {
    const store = CredentialStore.fromYaml(
      `${ENABLED}credentials:\n  x: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: CLIENT } }\n`,
      { secretProviders: [new EnvSecretProvider({ env: { SECRET_CLIENT: Buffer.from(SECRET).toString('base64') } })] },
    );
    const flow = parseFlow(
      `id: s
namespace: company.team
tasks:
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    env:
      TOKEN: "<< credential('x') >>"
    commands:
      - echo "token $TOKEN"
      - printf '%s' "$TOKEN" | base64 -w0; echo
      - echo "$TOKEN" >&2
      - echo "::{\\"outputs\\":{\\"token\\":\\"$TOKEN\\",\\"len\\":\${#TOKEN}}}::"
      - exit 3
`,
      'flow.yaml',
    );
    const lines: string[] = [];
    const e = await runFlow(flow, { store, onLog: (l) => lines.push(l.message) });
    const token = await store.getToken('x');
    expect(token.length).toBeGreaterThan(10);
    expect(e.state).toBe('FAILED');
    expect(lines).toContain('token ******');
    expect(e.taskRuns[0]?.outputs.vars).toEqual({ token: '******', len: token.length });
    const all = `${JSON.stringify(e)}\n${lines.join('\n')}`;
    expect(describeFindings(scanForLeaks(all, [token, ...secretNeedles(SECRET)])), 'a token leaked').toEqual([]);
  });
});
