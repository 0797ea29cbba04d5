import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-subflows-cli-'));
  await mkdir(join(dir, 'flows', 'team'), { recursive: true });
  await writeFile(
    join(dir, 'parent.yaml'),
    `id: parent
namespace: company
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs: { who: "{{ labels.owner ?? 'nobody' }}" }
  - id: show
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.call.outputs.greeting }}"
`,
  );
  await writeFile(
    join(dir, 'flows', 'team', 'child.yaml'),
    `id: child
namespace: company.team
inputs:
  - id: who
    type: STRING
tasks:
  - id: hi
    type: io.kestra.plugin.core.debug.Return
    format: "hi {{ inputs.who }} ({{ labels.system.correlationId == trigger.executionId }})"
outputs:
  - id: greeting
    value: "{{ outputs.hi.value }}"
`,
  );
  await writeFile(join(dir, 'with-dir.yaml'), 'flows: { dir: ./flows }\n');
  await writeFile(join(dir, 'no-dir.yaml'), 'credentials: {}\n');
  await writeFile(
    join(dir, 'script.yaml'),
    `id: script
namespace: company
tasks:
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands: [echo hi]
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('credflow run: subflows', () => {
  it('--flows DIR finds the subflow by namespace and id; --json lists it under subflowExecutions; --label', async () => {
    const r = await runCli([
      'run',
      join(dir, 'parent.yaml'),
      '--config',
      join(dir, 'no-dir.yaml'),
      '--flows',
      join(dir, 'flows'),
      '--label',
      'owner=ana',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.state).toBe('SUCCESS');
    expect(e.labels).toEqual({ owner: 'ana', 'system.correlationId': e.id });
    expect(e.subflowExecutions).toHaveLength(1);
    const sub = e.subflowExecutions[0];
    expect(sub).toMatchObject({
      flowId: 'child',
      namespace: 'company.team',
      state: 'SUCCESS',
      labels: { 'system.correlationId': e.id },
      trigger: { id: 'call', type: 'io.kestra.plugin.core.flow.Subflow' },
      subflowExecutions: [],
      outputs: { greeting: 'hi ana (true)' },
    });
    expect(sub.taskRuns.map((t: { taskId: string }) => t.taskId)).toEqual(['hi']);
    expect(e.taskRuns[0].outputs).toEqual({
      executionId: sub.id,
      state: 'SUCCESS',
      outputs: { greeting: 'hi ana (true)' },
    });
    expect(r.stderr).toMatch(
      /subflow company\.team\.child \(execution \w{8}, from task call\): SUCCESS, 1 task run\(s\)/,
    );
  });

  it('flows: { dir } in credflow.yaml (relative to the file); without a directory the task says how to set one', async () => {
    const withDir = await runCli(['run', join(dir, 'parent.yaml'), '--config', join(dir, 'with-dir.yaml'), '--json']);
    expect(withDir.code, withDir.stderr).toBe(0);
    expect(JSON.parse(withDir.stdout).subflowExecutions[0].outputs).toEqual({ greeting: 'hi nobody (true)' });
    const none = await runCli(['run', join(dir, 'parent.yaml'), '--config', join(dir, 'no-dir.yaml'), '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout).taskRuns[0].error.message).toBe(
      'no flows directory to find the subflow in: pass --flows DIR to credflow run, or set flows: { dir: ./flows } in credflow.yaml',
    );
  });
});

describe('credflow run --flows DIR checks the literal Subflow targets against DIR, not flows.dir', () => {
  it('a target only DIR holds runs (it was refused against the config flows.dir); a target DIR lacks is refused first', async () => {
    await mkdir(join(dir, 'other-flows'), { recursive: true });
    await writeFile(join(dir, 'other-dir.yaml'), 'flows: { dir: ./other-flows }\n');
    const ok = await runCli([
      'run',
      join(dir, 'parent.yaml'),
      '--flows',
      join(dir, 'flows'),
      '--config',
      join(dir, 'other-dir.yaml'),
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    await writeFile(
      join(dir, 'parent-typo.yaml'),
      'id: typo\nnamespace: company\ntasks:\n  - id: first\n    type: io.kestra.plugin.core.log.Log\n    message: ran\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: chlid\n',
    );
    const r = await runCli([
      'run',
      join(dir, 'parent-typo.yaml'),
      '--flows',
      join(dir, 'flows'),
      '--config',
      join(dir, 'no-dir.yaml'),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toMatch(
      /parent-typo\.yaml:10: tasks\[1\]\.flowId: no flow 'chlid' in namespace 'company\.team'.*did you mean 'company\.team\.child'/,
    );
    expect(`${r.stdout}${r.stderr}`).not.toContain('INFO  ran');
  });
});

describe('script tasks are refused unless enabled', () => {
  it('run and validate exit 2 before anything runs, naming the line to add', async () => {
    const config = join(dir, 'no-dir.yaml');
    for (const cmd of ['run', 'validate']) {
      const r = await runCli([cmd, join(dir, 'script.yaml'), '--config', config]);
      expect(r.code).toBe(2);
      expect(`${r.stdout}${r.stderr}`).toContain(
        `script.yaml:5: tasks[0].type: io.kestra.plugin.scripts.shell.Commands runs a local process: script tasks are off unless credflow.yaml enables them; add \`tasks: { process: { enabled: true } }\` to ${config}`,
      );
      expect(`${r.stdout}${r.stderr}`).not.toContain('\nhi\n');
    }
  });
});
