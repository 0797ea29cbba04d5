import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '@credflow/credentials-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../src/execution/run-flow.js';
import { FlowDirectory } from '../../src/flow/flow-directory.js';
import { FlowError } from '../../src/flow/flow-errors.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// Kestra's flow `concurrency` (FlowConcurrencyCaseTest in the Kestra suite); here as credflow runs it:
// one process, where a host app's runFlow calls and the subflow executions of one run count alike.

let dir: string;
const store = () => CredentialStore.fromYaml('credentials: {}\n');
const child = (behavior: string, limit = 1) => `id: limited
namespace: company.team
concurrency:
  limit: ${limit}
  behavior: ${behavior}
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.2S
`;
const parent = `id: parent
namespace: company.team
tasks:
  - id: all
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - { id: a, type: io.kestra.plugin.core.flow.Subflow, namespace: company.team, flowId: limited }
      - { id: b, type: io.kestra.plugin.core.flow.Subflow, namespace: company.team, flowId: limited }
      - { id: c, type: io.kestra.plugin.core.flow.Subflow, namespace: company.team, flowId: limited }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-concurrency-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runParent(behavior: string, limit = 1) {
  await writeFile(join(dir, 'limited.yaml'), child(behavior, limit));
  return runFlow(parseFlow(parent, 'parent.yaml'), { store: store(), flows: new FlowDirectory(dir) });
}

describe('flow concurrency', () => {
  it('QUEUE: three subflow executions of a flow limited to 1 run one after the other, all SUCCESS', async () => {
    const t0 = performance.now();
    const e = await runParent('QUEUE');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(590);
    expect(e.state).toBe('SUCCESS');
    expect(e.subflowExecutions.map((x) => x.state)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    const queued = e.subflowExecutions.filter((x) =>
      x.logs.some((l) => l.message === 'Flow is queued due to concurrency limit exceeded, 1 running(s)'),
    );
    expect(queued).toHaveLength(2);
  });

  it('limit 2: two run at once, the third waits', async () => {
    const e = await runParent('QUEUE', 2);
    expect(e.state).toBe('SUCCESS');
    const queued = e.subflowExecutions.filter((x) => x.logs[0]?.message.startsWith('Flow is queued'));
    expect(queued.map((x) => x.logs[0]?.message)).toEqual([
      'Flow is queued due to concurrency limit exceeded, 2 running(s)',
    ]);
  });

  it('CANCEL: the others end CANCELLED with no task run, and their Subflow tasks SUCCESS (Kestra ExecutableUtils.guessState)', async () => {
    const e = await runParent('CANCEL');
    expect(e.state).toBe('SUCCESS');
    expect(e.subflowExecutions.map((x) => x.state).sort()).toEqual(['CANCELLED', 'CANCELLED', 'SUCCESS']);
    for (const x of e.subflowExecutions.filter((s) => s.state === 'CANCELLED')) expect(x.taskRuns).toEqual([]);
    expect(e.taskRuns.filter((r) => r.taskId !== 'all').map((r) => r.state)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  it('FAIL: the others end FAILED, failing their Subflow tasks and the run', async () => {
    const e = await runParent('FAIL');
    expect(e.state).toBe('FAILED');
    expect(e.subflowExecutions.map((x) => x.state).sort()).toEqual(['FAILED', 'FAILED', 'SUCCESS']);
  });

  it('Ctrl-C while queued ends that execution KILLED with no task run; the limit still holds afterwards', async () => {
    const flow = parseFlow(child('QUEUE'), 'limited.yaml');
    const first = runFlow(flow, { store: store() });
    const ac = new AbortController();
    const queued = runFlow(flow, { store: store(), signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const killed = await queued;
    expect(killed.state).toBe('KILLED');
    expect(killed.taskRuns).toEqual([]);
    expect((await first).state).toBe('SUCCESS');
    // The slot was given back (not to the killed one): two more run one after the other.
    const t0 = performance.now();
    const [x, y] = await Promise.all([runFlow(flow, { store: store() }), runFlow(flow, { store: store() })]);
    expect([x.state, y.state]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
  });

  it('a failed execution gives its slot back', async () => {
    const failing = parseFlow(
      'id: f\nnamespace: company.team\nconcurrency: { limit: 1, behavior: FAIL }\ntasks:\n  - { id: x, type: io.kestra.plugin.core.execution.Fail }\n',
      'f.yaml',
    );
    expect((await runFlow(failing, { store: store() })).state).toBe('FAILED');
    const again = await runFlow(failing, { store: store() });
    expect(again.taskRuns).toHaveLength(1);
  });

  it.each([
    ['limit: 0', 'concurrency.limit', 'at least 1 execution'],
    ['limit: 1, behavior: WAIT', 'concurrency.behavior', 'expected one of QUEUE, CANCEL, FAIL'],
    ['behavior: QUEUE', 'concurrency.limit', 'is required'],
  ])('concurrency { %s } is refused at its line', (body, path, message) => {
    const text = `id: f\nnamespace: company.team\nconcurrency: { ${body} }\ntasks:\n  - { id: x, type: io.kestra.plugin.core.log.Log, message: x }\n`;
    expect(() => parseFlow(text, 'f.yaml')).toThrow(FlowError);
    try {
      parseFlow(text, 'f.yaml');
    } catch (err) {
      expect((err as FlowError).issues).toEqual([{ path, line: 3, message: expect.stringContaining(message) }]);
    }
  });
});
