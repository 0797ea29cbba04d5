/**
 * Durations past Node's longest timer (2^31 - 1 ms, about 24.8 days) in the
 * executor: a retry interval and a task `timeout` of a month. Node fires
 * such a timer after 1 ms, so a 30-day retry interval retried at once (up to
 * the attempt limit) and a 30-day timeout failed the task at once (issue 26
 * read-through).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialStore } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const store = CredentialStore.fromYaml('');

/** Starts the flow, lets it run `ms`, kills it, and returns the execution. */
async function runFor(yaml: string, ms: number) {
  const controller = new AbortController();
  const run = runFlow(parseFlow(yaml, 'long.yaml'), { store, signal: controller.signal });
  await sleep(ms);
  controller.abort();
  return run;
}

describe('month-long durations in the executor', () => {
  it('a 30-day retry interval waits instead of retrying at once', async () => {
    const e = await runFor(
      `id: long_retry
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: boom
    retry:
      type: constant
      interval: P30D
      maxAttempt: 5
`,
      300,
    );
    expect(e.taskRuns.filter((r) => r.taskId === 't').map((r) => r.attempts.length)).toEqual([1]);
    expect(e.state).toBe('KILLED');
  });

  it('a 30-day task timeout does not fail the task at once', async () => {
    const e = await runFor(
      `id: long_timeout
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
    timeout: P30D
`,
      300,
    );
    expect(e.state).toBe('KILLED');
    expect(JSON.stringify(e)).not.toContain('timed out');
  });
});
