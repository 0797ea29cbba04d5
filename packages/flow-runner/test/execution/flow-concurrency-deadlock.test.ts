import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '@credflow/credentials-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { FlowDirectory } from '../../src/flow/flow-directory.js';
import { loadFlow } from '../../src/flow/load-flow.js';

// Issue 26, review R2: a flow with `concurrency: { limit: 1, behavior: QUEUE }` that calls itself (or two
// such flows calling each other) queued forever: runFlow never settled and the CLI exited 0 with no result.

let dir: string;
const queued = (id: string, next: string) => `id: ${id}
namespace: company.team
concurrency:
  limit: 1
  behavior: QUEUE
tasks:
  - id: s
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: ${next}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-deadlock-'));
  await writeFile(join(dir, 'self.yaml'), queued('selfq', 'selfq'));
  await writeFile(join(dir, 'ping.yaml'), queued('ping', 'pong'));
  await writeFile(join(dir, 'pong.yaml'), queued('pong', 'ping'));
  await writeFile(
    join(dir, 'twice.yaml'),
    `id: twice
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: one
  - id: b
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: one
`,
  );
  await writeFile(
    join(dir, 'one.yaml'),
    'id: one\nnamespace: company.team\nconcurrency: { limit: 1, behavior: QUEUE }\ntasks:\n  - { id: l, type: io.kestra.plugin.core.log.Log, message: one }\n',
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function run(file: string) {
  const logs: LogEntry[] = [];
  const flows = new FlowDirectory(dir);
  const e = await runFlow(await loadFlow(join(dir, file)), {
    store: CredentialStore.fromYaml(''),
    flows,
    onLog: (l) => logs.push(l),
  });
  return { e, logs: logs.map((l) => l.message) };
}

describe('flow concurrency that could only wait for itself', () => {
  it.each([
    ['a flow that calls itself', 'self.yaml'],
    ['two flows that call each other', 'ping.yaml'],
  ])('%s ends FAILED, the limit named, instead of queueing forever', async (_name, file) => {
    const { e, logs } = await run(file);
    expect(e.state).toBe('FAILED');
    expect(logs.join('\n')).toMatch(/concurrency limit \(1\) is reached by executions that wait for this one/);
  });

  it('two calls in turn to a QUEUE flow still run (the slot is free again)', async () => {
    const { e, logs } = await run('twice.yaml');
    expect(e.state).toBe('SUCCESS');
    expect(logs.filter((m) => m === 'one')).toHaveLength(2);
  });
});
