/**
 * Issue 26, review R3: a flow file could run without bound on the machine
 * running it: `retry.maxAttempt: 100000000` with no interval (27,603
 * attempts in 40 s, memory growing), nested ForEach loops making 1,000,000
 * task runs, a parallel ForEach over 100,000 values, a subflow fan-out of
 * 8^16. Each now ends quickly, FAILED, with the limit named.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '@credflow/credentials-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution, LogEntry } from '../../src/execution/execution.js';
import { EXECUTION_LIMITS } from '../../src/execution/execution-limits.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { FlowDirectory } from '../../src/flow/flow-directory.js';
import { FlowError } from '../../src/flow/flow-errors.js';
import { loadFlow } from '../../src/flow/load-flow.js';

let dir: string;

const FLOWS: Record<string, string> = {
  // R3 without a literal maxAttempt over the limit (validation refuses that, below): maxDuration alone, ten years.
  'retry-duration.yaml': `id: retry_duration
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: boom
    retry:
      type: constant
      interval: PT0S
      maxDuration: P3650D
`,
  'retry-flow-level.yaml': `id: retry_flow
namespace: company.team
retry:
  type: constant
  interval: PT0S
  maxDuration: P3650D
tasks:
  - id: t
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: boom
`,
  'retry-max.yaml': `id: retry_max
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: boom
    retry:
      type: constant
      interval: PT0S
      maxAttempt: 100000000
`,
  // R3b
  'nested.yaml': `id: nested
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.flow.ForEach
    values: "<< range(1000) >>"
    tasks:
      - id: u
        type: io.kestra.plugin.core.flow.ForEach
        values: "<< range(1000) >>"
        tasks:
          - id: l
            type: io.kestra.plugin.core.debug.Return
            format: "x"
`,
  'parallel.yaml': `id: parallel
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.flow.ForEach
    values: "<< range(100000) >>"
    concurrencyLimit: 0
    allowFailure: true
    tasks:
      - id: l
        type: io.kestra.plugin.core.debug.Return
        format: "x"
`,
  // R11: transmitFailed false, so only the limit can end it.
  'bomb.yaml': `id: bomb
namespace: company.team
tasks:
  - id: fan
    type: io.kestra.plugin.core.flow.ForEach
    values: "<< range(8) >>"
    tasks:
      - id: s
        type: io.kestra.plugin.core.flow.Subflow
        namespace: company.team
        flowId: bomb
        transmitFailed: false
`,
  'bomb-nowait.yaml': `id: bomb_nowait
namespace: company.team
tasks:
  - id: fan
    type: io.kestra.plugin.core.flow.ForEach
    values: "<< range(8) >>"
    concurrencyLimit: 0
    tasks:
      - id: s
        type: io.kestra.plugin.core.flow.Subflow
        namespace: company.team
        flowId: bomb_nowait
        wait: false
`,
  'just-under.yaml': `id: just_under
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.flow.ForEach
    values: "<< range(${EXECUTION_LIMITS.maxTaskRuns - 1}) >>"
    tasks:
      - id: l
        type: io.kestra.plugin.core.debug.Return
        format: "x"
`,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-limits-'));
  for (const [name, text] of Object.entries(FLOWS)) await writeFile(join(dir, name), text);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function run(file: string): Promise<{ e: Execution; logs: string[]; ms: number }> {
  const logs: LogEntry[] = [];
  const t0 = performance.now();
  const e = await runFlow(await loadFlow(join(dir, file)), {
    store: CredentialStore.fromYaml(''),
    flows: new FlowDirectory(dir),
    onLog: (l) => logs.push(l),
  });
  return { e, logs: logs.map((l) => l.message), ms: performance.now() - t0 };
}

/** Task runs of an execution and its subflow executions. */
const taskRuns = (e: Execution) => e.taskRuns.length + e.subflowExecutions.reduce((n, s) => n + s.taskRuns.length, 0);

describe('execution limits', () => {
  it.each([['retry-duration.yaml'], ['retry-flow-level.yaml']])(
    '%s: a retry without a bound on attempts stops at the attempt limit',
    async (file) => {
      const { e, logs, ms } = await run(file);
      expect(e.state).toBe('FAILED');
      const t = e.taskRuns[0];
      expect(t?.attempts.length).toBe(EXECUTION_LIMITS.maxAttempts);
      expect(logs.some((l) => l.includes(`at most ${EXECUTION_LIMITS.maxAttempts} attempts`))).toBe(true);
      expect(ms).toBeLessThan(15_000);
    },
  );

  it('validation refuses a literal maxAttempt over the limit, at its line', async () => {
    const err = await loadFlow(join(dir, 'retry-max.yaml')).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(FlowError);
    const issue = (err as FlowError).issues.find((i) => i.path.endsWith('maxAttempt'));
    expect(issue?.line).toBe(10);
    expect(issue?.message).toContain(`at most ${EXECUTION_LIMITS.maxAttempts} attempts per task run`);
  });

  const runs = `limit of ${EXECUTION_LIMITS.maxTaskRuns.toLocaleString('en-US')} task runs`;
  const executions = `limit of ${EXECUTION_LIMITS.maxSubflowExecutions.toLocaleString('en-US')} subflow executions`;
  it.each([
    ['nested.yaml', 'nested ForEach loops of 1,000,000 task runs', runs],
    ['parallel.yaml', 'a parallel ForEach over 100,000 values (allowFailure does not hide the limit)', runs],
    ['bomb.yaml', 'a subflow fan-out of 8^16 that does not pass failures on', executions],
    ['bomb-nowait.yaml', 'a subflow fan-out not waited for', executions],
  ])(
    '%s (%s) ends at the limit, FAILED, with the limit named',
    async (file, _shape, message) => {
      const { e, logs, ms } = await run(file);
      expect(e.state).toBe('FAILED');
      // The top task itself: allowFailure (parallel.yaml) does not make it a warning. Subflows not waited
      // for reach the limit after the parent's tasks ended: the run fails, its task had succeeded.
      if (file !== 'bomb-nowait.yaml') expect(e.taskRuns[0]?.state).toBe('FAILED');
      expect(taskRuns(e)).toBeLessThanOrEqual(EXECUTION_LIMITS.maxTaskRuns + 1 + e.subflowExecutions.length);
      expect(e.subflowExecutions.length).toBeLessThanOrEqual(EXECUTION_LIMITS.maxSubflowExecutions);
      expect(logs.filter((l) => l.includes(message)).length).toBeGreaterThan(0);
      const refused = [e, ...e.subflowExecutions].flatMap((x) => x.taskRuns).filter((r) => r.error?.includes(message));
      expect(refused.length).toBeGreaterThan(0);
      expect(ms).toBeLessThan(15_000);
    },
    30_000,
  );

  it('a run just under the limit succeeds', async () => {
    const { e } = await run('just-under.yaml');
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns.length).toBe(EXECUTION_LIMITS.maxTaskRuns);
  }, 30_000);
});
