import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { runFlow } from '../../../src/execution/run-flow.js';
import { flowTemplateChecker } from '../../../src/execution/template-checks.js';
import { createTemplateEnvironment } from '../../../src/execution/template-environment.js';
import { FlowDirectory } from '../../../src/flow/flow-directory.js';
import { FlowError } from '../../../src/flow/flow-errors.js';
import { loadFlow, parseFlow } from '../../../src/flow/load-flow.js';

let dir: string;
const SECRET = 'subflow-client-secret-0123456789';
let as: AuthServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-subflows-'));
  as = await startAuthServer({
    clients: [clientCredentialsClient('c', SECRET)],
  });
  const files: Record<string, string> = {
    'child.yaml': `id: child
namespace: company.team.sub
inputs:
  - id: name
    type: STRING
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: "hello << inputs.name >> from << trigger.flowId >>"
  - id: token
    type: io.kestra.plugin.core.debug.Return
    format: "<< credential('x') >>"
outputs:
  - id: greeting
    value: "<< outputs.hello.value >>"
  - id: token
    value: "<< outputs.token.value >>"
`,
    'nested/warn.yaml': `id: warn
namespace: company.team
tasks:
  - id: w
    type: io.kestra.plugin.core.execution.Fail
    allowFailure: true
`,
    'slow.yaml': `id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
`,
    'loop.yaml': `id: loop
namespace: company.team
tasks:
  - id: again
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: loop
`,
    'fails.yaml': `id: fails
namespace: company.team
tasks:
  - id: f
    type: io.kestra.plugin.core.execution.Fail
`,
    'dup-a.yaml':
      'id: dup\nnamespace: company.team\ntasks: [{ id: a, type: io.kestra.plugin.core.log.Log, message: a }]\n',
    'dup-b.yaml':
      'id: dup\nnamespace: company.team\ntasks: [{ id: b, type: io.kestra.plugin.core.log.Log, message: b }]\n',
    'plain-sub.yaml': `id: plain
namespace: company.team.sub
tasks:
  - id: only
    type: io.kestra.plugin.core.debug.Return
    format: "from the child"
`,
    'plain-same.yaml': `id: plain_same
namespace: company.team
tasks:
  - id: only
    type: io.kestra.plugin.core.debug.Return
    format: "from the same namespace"
`,
    'credflow.yaml': 'credentials: {}\n',
  };
  await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'nested')));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await as?.close();
});

const store = () =>
  CredentialStore.fromYaml(
    `namespaces:\n  company.team.sub:\n    credentials:\n      x: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: CLIENT } }\n`,
    { secretProviders: [new EnvSecretProvider({ env: { SECRET_CLIENT: Buffer.from(SECRET).toString('base64') } })] },
  );
const parent = (task: string) =>
  parseFlow(
    `id: parent\nnamespace: company.team\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n${task}`,
    'parent.yaml',
  );

describe('io.kestra.plugin.core.flow.Subflow', () => {
  it("runs the flow by namespace and id with inputs, in the subflow's namespace; its outputs are masked everywhere", async () => {
    const s = store();
    const e = await runFlow(
      parent(`    namespace: company.team.sub
    flowId: child
    inputs: { name: world }
    labels: { team: a }
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "<< outputs.call.outputs.greeting >> / << outputs.call.state >>"
`),
      { store: s, flows: new FlowDirectory(dir) },
    );
    expect(e.state).toBe('SUCCESS');
    const sub = e.subflowExecutions[0];
    expect(sub?.flowId).toBe('child');
    expect(sub?.labels).toEqual({ 'system.correlationId': e.id, team: 'a' });
    expect(e.taskRuns[0]?.outputs).toEqual({
      executionId: sub?.id,
      state: 'SUCCESS',
      outputs: { greeting: 'hello world from parent', token: '******' },
    });
    expect(e.taskRuns[1]?.outputs.value).toBe('hello world from parent / SUCCESS');
    const token = await s.getToken('x', { namespace: 'company.team.sub' });
    const all = JSON.stringify(e);
    expect(describeFindings(scanForLeaks(all, [token, ...secretNeedles(SECRET)]))).toEqual([]);
    expect(sub?.taskRuns[1]?.outputs.value).toBe('******');
  });

  // Issue 26, review R1 and N1: the task's `outputs` (Kestra's deprecated form) are the parent's templates,
  // rendered with the subflow's context in the parent's scope; and they read anything of the subflow's execution
  // (a token one of its tasks minted), so only a subflow the parent could read anyway may be read this way:
  // of its own namespace or one it inherits from. company.team cannot read company.team.sub's.
  it("the task's own outputs read a subflow of the parent's namespace, in the parent's scope; another namespace's are refused", async () => {
    const s = store();
    const read = await runFlow(
      parent(`    namespace: company.team
    flowId: plain_same
    outputs:
      v: "<< outputs.only.value >> in << flow.namespace >>"
`),
      { store: s, flows: new FlowDirectory(dir) },
    );
    expect(read.state).toBe('SUCCESS');
    expect(read.taskRuns[0]?.outputs.outputs).toEqual({ v: 'from the same namespace in company.team' });
    const steal = await runFlow(
      parent(`    namespace: company.team.sub
    flowId: plain
    outputs:
      tok: "<< credential('x') >>"
      v: "<< outputs.only.value >>"
`),
      { store: s, flows: new FlowDirectory(dir) },
    );
    expect(steal.state).toBe('FAILED');
    expect(steal.taskRuns[0]?.error).toMatch(
      /tasks\[0\]\.outputs \(parent\.yaml line 9\).*the task's own outputs may read a subflow of namespace company\.team .*company\.team\.sub\.plain is not/,
    );
    expect(steal.subflowExecutions).toHaveLength(0);
    const token = await s.getToken('x', { namespace: 'company.team.sub' });
    expect(describeFindings(scanForLeaks(JSON.stringify(steal), [token, ...secretNeedles(SECRET)]))).toEqual([]);
  });

  it('transmitFailed: a FAILED subflow fails the task (false: SUCCESS); a WARNING one ends it WARNING', async () => {
    const flows = new FlowDirectory(dir);
    const failed = await runFlow(parent('    namespace: company.team\n    flowId: fails\n'), { store: store(), flows });
    expect(failed.state).toBe('FAILED');
    expect(failed.taskRuns[0]?.error).toMatch(/^subflow execution .* \(company\.team\.fails\) ended FAILED$/);
    expect(failed.taskRuns[0]?.outputs.state).toBe('FAILED');
    const ignored = await runFlow(
      parent('    namespace: company.team\n    flowId: fails\n    transmitFailed: false\n'),
      {
        store: store(),
        flows,
      },
    );
    expect(ignored.state).toBe('SUCCESS');
    const warned = await runFlow(parent('    namespace: company.team\n    flowId: warn\n'), { store: store(), flows });
    expect(warned.subflowExecutions[0]?.state).toBe('WARNING');
    expect(warned.taskRuns[0]?.state).toBe('WARNING');
  });

  it('wait: false ends the task at once (executionId only); the run still waits for the subflow before it returns', async () => {
    const t0 = performance.now();
    const e = await runFlow(
      parent(`    namespace: company.team
    flowId: slow
    wait: false
  - id: next
    type: io.kestra.plugin.core.debug.Return
    format: "<< outputs.call.executionId >>"
`),
      { store: store(), flows: new FlowDirectory(dir) },
    );
    expect(e.state).toBe('SUCCESS');
    expect(Object.keys(e.taskRuns[0]?.outputs ?? {})).toEqual(['executionId']);
    expect(e.taskRuns[0]?.durationMs).toBeLessThan(250);
    expect(e.subflowExecutions[0]?.state).toBe('SUCCESS');
    expect(e.subflowExecutions[0]?.id).toBe(e.taskRuns[1]?.outputs.value);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('a flow that calls itself stops at 16 nested executions', async () => {
    const e = await runFlow(parent('    namespace: company.team\n    flowId: loop\n'), {
      store: store(),
      flows: new FlowDirectory(dir),
    });
    expect(e.state).toBe('FAILED');
    expect(e.subflowExecutions).toHaveLength(16);
    expect(JSON.stringify(e)).toContain('subflows nest deeper than 16 executions: does a flow call itself?');
  });

  it('clear errors: no flows directory, an unknown flow (did you mean) or a flow defined twice named by a template, bad inputs', async () => {
    const none = await runFlow(parent('    namespace: company.team\n    flowId: child\n'), { store: store() });
    expect(none.taskRuns[0]?.error).toBe(
      'no flows directory to find the subflow in: pass --flows DIR to credflow run, or set flows: { dir: ./flows } in credflow.yaml',
    );
    const flows = new FlowDirectory(dir);
    // A target written as a template is known only when the task runs: the task fails then.
    const unknown = await runFlow(parent('    namespace: company.team\n    flowId: "<< \'slwo\' >>"\n'), {
      store: store(),
      flows,
    });
    expect(unknown.taskRuns[0]?.error).toBe(
      `no flow 'slwo' in namespace 'company.team' in the flows directory ${dir} (did you mean 'company.team.slow'?)`,
    );
    const dup = await runFlow(parent('    namespace: company.team\n    flowId: "<< \'dup\' >>"\n'), {
      store: store(),
      flows,
    });
    expect(dup.taskRuns[0]?.error).toBe(
      `flow 'company.team.dup' is defined by more than one file of ${dir}: dup-a.yaml, dup-b.yaml`,
    );
    const bad = await runFlow(parent('    namespace: company.team.sub\n    flowId: child\n    inputs: { nme: x }\n'), {
      store: store(),
      flows,
    });
    expect(bad.taskRuns[0]?.error).toContain("subflow company.team.sub.child: unknown input 'nme'");
    expect(bad.subflowExecutions).toEqual([]);
  });
});

describe('subflow targets checked before anything runs (validate and run)', () => {
  // Literal targets only; nested Subflow tasks included. Kestra checks a subflow when it starts; credflow
  // refuses the flow first, as it does unknown credential keys.
  const flowText = `id: parent
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: never logged
  - id: branch
    type: io.kestra.plugin.core.flow.If
    condition: "true"
    then:
      - id: unknown
        type: io.kestra.plugin.core.flow.Subflow
        namespace: company.team
        flowId: slwo
      - id: twice
        type: io.kestra.core.tasks.flows.Flow
        namespace: company.team
        flowId: dup
      - id: known
        type: io.kestra.plugin.core.flow.Subflow
        namespace: company.team.sub
        flowId: child
      - id: dynamic
        type: io.kestra.plugin.core.flow.Subflow
        namespace: company.team
        flowId: "<< 'whatever' >>"
`;
  const expected = () => [
    {
      path: 'tasks[1].then[0].flowId',
      line: 14,
      message: `no flow 'slwo' in namespace 'company.team' in the flows directory ${dir} (did you mean 'company.team.slow'?)`,
    },
    {
      path: 'tasks[1].then[1].flowId',
      line: 18,
      message: `flow 'company.team.dup' is defined by more than one file of ${dir}: dup-a.yaml, dup-b.yaml`,
    },
  ];

  it('runFlow with flows refuses the flow (FlowError, each target at its line) and runs no task', async () => {
    const logs: string[] = [];
    const err = await runFlow(parseFlow(flowText, 'parent.yaml'), {
      store: store(),
      flows: new FlowDirectory(dir),
      onLog: (l) => logs.push(l.message),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).issues).toEqual(expected());
    expect((err as FlowError).message).toContain('parent.yaml');
    expect(logs).toEqual([]);
  });

  it('loadFlow checks them with flows, or against the flows.dir of the config its template check was made for (credflow validate)', async () => {
    const file = join(dir, '..', `parent-${process.pid}.yaml`);
    await writeFile(file, flowText);
    try {
      const direct = await loadFlow(file, { flows: new FlowDirectory(dir) }).catch((e: unknown) => e);
      expect((direct as FlowError).issues).toEqual(expected());
      const s = CredentialStore.fromYaml(`flows: { dir: ${JSON.stringify(dir)} }\n`);
      const check = flowTemplateChecker(createTemplateEnvironment(s), s, 'main', false);
      // The CLI wraps the runner's check in its own (secret names): the directory still applies.
      const checkTemplate: typeof check = (src, flow, path) => check(src, flow, path);
      const viaConfig = await loadFlow(file, { checkTemplate }).catch((e: unknown) => e);
      expect((viaConfig as FlowError).issues).toEqual(expected());
      // Without a flows directory nothing is checked: the targets may be found at run time.
      const without = CredentialStore.fromYaml('credentials: {}\n');
      const plain = flowTemplateChecker(createTemplateEnvironment(without), without, 'main', false);
      expect((await loadFlow(file, { checkTemplate: plain })).id).toBe('parent');
    } finally {
      await rm(file, { force: true });
    }
  });

  it('a flows directory that cannot be read is named at the first literal target', async () => {
    const missing = join(dir, 'no-such-dir');
    const err = await runFlow(parent('    namespace: company.team\n    flowId: child\n'), {
      store: store(),
      flows: new FlowDirectory(missing),
    }).catch((e: unknown) => e);
    expect((err as FlowError).issues).toEqual([
      { path: 'tasks[0].flowId', line: 7, message: `cannot read the flows directory ${missing}: ENOENT` },
    ]);
  });
});
