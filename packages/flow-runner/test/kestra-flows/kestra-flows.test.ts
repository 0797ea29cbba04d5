// Kestra's own test flows (core/src/test/resources/flows/valids at 58c1ca2d0, copied verbatim into
// ./flows with a line naming the source), each with the outcome the cited Java test asserts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CredentialStore } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import type { Execution, State } from '../../src/execution/execution.js';
import { type RunFlowOptions, runFlow } from '../../src/execution/run-flow.js';
import { FlowDirectory } from '../../src/flow/flow-directory.js';
import { FlowError } from '../../src/flow/flow-errors.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const FLOWS = join(import.meta.dirname, 'flows');

/** Runs a Kestra flow unchanged, with Kestra's template syntax (Pebble's `{{ }}`). */
async function run(
  file: string,
  inputs: Record<string, unknown> = {},
  labels: Record<string, string> = {},
): Promise<Execution & { find: Find }> {
  return (await prepare(file, inputs, labels))();
}

/** Reads and parses a flow; the function returned runs it (its start then costs no file reading). */
async function prepare(
  file: string,
  inputs: Record<string, unknown> = {},
  labels: Record<string, string> = {},
): Promise<(more?: Pick<RunFlowOptions, 'onTaskStart'>) => Promise<Execution & { find: Find }>> {
  const text = await readFile(join(FLOWS, file), 'utf8');
  const flow = parseFlow(text, file);
  const store = CredentialStore.fromYaml('templates: { syntax: pebble }\n');
  return async (more = {}) => {
    // Subflows are found among the suite's flows, by namespace and id, as Kestra's test repository holds them.
    const e = await runFlow(flow, { store, inputs, labels, flows: new FlowDirectory(FLOWS), ...more });
    const find: Find = (taskId) => e.taskRuns.filter((r) => r.taskId === taskId);
    return Object.assign(e, { find });
  };
}
type Find = (taskId: string) => Execution['taskRuns'];
const stateOf = (e: { find: Find }, taskId: string): State | undefined => e.find(taskId)[0]?.state;
const byValues = (e: Execution, taskId: string, values: string[]) => {
  const byId = new Map(e.taskRuns.map((r) => [r.id, r]));
  return e.taskRuns.find((r) => {
    if (r.taskId !== taskId) return false;
    const path: string[] = [];
    for (let p: typeof r | undefined = r; p; p = p.parentTaskRunId ? byId.get(p.parentTaskRunId) : undefined) {
      if (p.value !== undefined) path.unshift(p.value);
    }
    return JSON.stringify(path) === JSON.stringify(values);
  });
};

describe('If (plugin/core/flow/IfTest.java)', () => {
  it('multipleIf: if.yaml, 12 task runs, SUCCESS', async () => {
    const e = await run('if.yaml', { if1: true, if2: false, if3: true });
    expect(e.taskRuns).toHaveLength(12);
    expect(e.state).toBe('SUCCESS');
  });
  it.each([true, 'true', 1])('ifTruthy: if-condition.yaml with %s runs when-true', async (param) => {
    const e = await run('if-condition.yaml', { param: String(param) });
    expect(e.taskRuns).toHaveLength(2);
    expect(stateOf(e, 'when-true')).toBe('SUCCESS');
    expect(e.state).toBe('SUCCESS');
  });
  it.each([false, 'false', 0, '-0'])('ifFalsy: if-condition.yaml with %s runs when-false', async (param) => {
    const e = await run('if-condition.yaml', { param: String(param) });
    expect(e.taskRuns).toHaveLength(2);
    expect(stateOf(e, 'when-false')).toBe('SUCCESS');
    expect(e.state).toBe('SUCCESS');
  });
  it('ifWithoutElse: if-without-else.yaml', async () => {
    const t = await run('if-without-else.yaml', { param: 'true' });
    expect(t.taskRuns).toHaveLength(2);
    expect(stateOf(t, 'when-true')).toBe('SUCCESS');
    const f = await run('if-without-else.yaml', { param: 'false' });
    expect(f.taskRuns).toHaveLength(1);
    expect(f.find('when-true')).toEqual([]);
    expect(f.state).toBe('SUCCESS');
  });
  it('ifInFlowable: if-in-flowable.yaml, 8 task runs, after_if SUCCESS', async () => {
    const e = await run('if-in-flowable.yaml', { param: 'true' });
    expect(e.taskRuns).toHaveLength(8);
    expect(stateOf(e, 'after_if')).toBe('SUCCESS');
    expect(e.find('after_if')[0]?.outputs.value).toBe('After if: value 2');
    expect(e.state).toBe('SUCCESS');
  });
});

describe('Switch (plugin/core/flow/SwitchTest.java)', () => {
  it.each([
    ['FIRST', ['t1'], false],
    ['SECOND', ['t2', 't2_sub'], false],
    ['THIRD', ['t3', 'failed', 'error-t1'], false],
    ['DEFAULT', ['default'], true],
  ])('switch%s: switch.yaml', async (value, after, defaults) => {
    const e = await run('switch.yaml', { string: value });
    expect(e.taskRuns.slice(1, 1 + after.length).map((r) => r.taskId)).toEqual(after);
    expect(e.find('parent-seq')[0]?.outputs).toEqual({ value, defaults });
  });
  it('switchImpossible: switch-impossible.yaml ends FAILED', async () => {
    expect((await run('switch-impossible.yaml', { string: 'impossible' })).state).toBe('FAILED');
  });
});

describe('EachSequential / ForEach (plugin/core/flow/EachSequentialTest.java)', () => {
  it('sequential: each-sequential.yaml, 11 task runs, WARNING', async () => {
    const e = await run('each-sequential.yaml');
    expect(e.taskRuns).toHaveLength(11);
    expect(e.state).toBe('WARNING');
  });
  it.each(['each-object.yaml', 'each-object-in-list.yaml'])('object/objectInList: %s', async (file) => {
    const e = await run(file);
    expect(e.taskRuns).toHaveLength(8);
    expect(e.state).toBe('SUCCESS');
    expect(String(e.taskRuns[6]?.outputs.value)).toContain('json > JSON > ["my-complex"]');
  });
  it('sequentialNested: each-sequential-nested.yaml, 23 task runs, outputs by values', async () => {
    const e = await run('each-sequential-nested.yaml');
    expect(e.taskRuns).toHaveLength(23);
    expect(e.state).toBe('SUCCESS');
    const last = String(e.find('2_return')[0]?.outputs.value);
    const l21 = String(byValues(e, '1-2-1_return', ['s1', 'a a'])?.outputs.value);
    expect(last).toContain(l21);
    expect(String(byValues(e, '1-3_return', ['s1'])?.outputs.value)).toContain(
      String(byValues(e, '1-1_return', ['s1'])?.outputs.value),
    );
    expect(String(byValues(e, '1-2-2_return', ['s1', 'a a'])?.outputs.value)).toContain(`get ${l21}`);
  });
  it('eachEmpty: each-empty.yaml, 2 task runs, SUCCESS', async () => {
    const e = await run('each-empty.yaml');
    expect(e.taskRuns).toHaveLength(2);
    expect(e.state).toBe('SUCCESS');
  });
  it('eachNull: each-null.yaml, 1 task run, FAILED', async () => {
    const e = await run('each-null.yaml');
    expect(e.taskRuns).toHaveLength(1);
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns[0]?.error).toContain('found 1 null value');
  });
  it('eachSwitch: each-switch.yaml, 12 task runs, parents[n].taskrun.value', async () => {
    const e = await run('each-switch.yaml');
    expect(e.taskRuns).toHaveLength(12);
    expect(e.state).toBe('SUCCESS');
    expect(byValues(e, '2-1-1_switch-number-1', ['b', '1'])?.outputs.value).toBe('1');
    expect(byValues(e, '2-1-1_switch-number-2', ['b', '2'])?.outputs.value).toBe('2 b');
  });
});

describe('EachParallel (plugin/core/flow/EachParallelTest.java)', () => {
  it.each([
    ['parallel', 'each-parallel.yaml', 8],
    ['parallelNested', 'each-parallel-nested.yaml', 11],
    ['parallelInteger', 'each-parallel-Integer.yml', undefined],
  ])('%s: %s', async (_m, file, count) => {
    const e = await run(file);
    expect(e.state).toBe('SUCCESS');
    if (count !== undefined) expect(e.taskRuns).toHaveLength(count);
  });
});

describe('ForEach (plugin/core/flow/ForEachTest.java)', () => {
  it.each([
    ['nonConcurrent', 'foreach-non-concurrent.yaml', 7],
    ['concurrent', 'foreach-concurrent.yaml', 7],
    ['concurrentWithParallel', 'foreach-concurrent-parallel.yaml', 10],
    ['concurrentNoLimit', 'foreach-concurrent-no-limit.yaml', 7],
  ])('%s: %s, %d task runs, SUCCESS', async (_m, file, count) => {
    const e = await run(file);
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns).toHaveLength(count);
  });
});

describe('Parallel and Sequential (ParallelTest.java, SequentialTest.java)', () => {
  it.each([
    ['ParallelTest.parallel', 'parallel.yaml', 8, undefined],
    ['ParallelTest.parallelNested', 'parallel-nested.yaml', 11, undefined],
    ['SequentialTest.sequential', 'sequential.yaml', 11, 'SUCCESS'],
    ['SequentialTest.sequentialWithGlobalErrors', 'sequential-with-global-errors.yaml', 6, 'FAILED'],
    ['SequentialTest.sequentialWithLocalErrors', 'sequential-with-local-errors.yaml', 6, 'FAILED'],
  ])('%s: %s', async (_m, file, count, state) => {
    const e = await run(file);
    expect(e.taskRuns).toHaveLength(count);
    if (state) expect(e.state).toBe(state);
  });
});

describe('AllowFailure (plugin/core/flow/AllowFailureTest.java)', () => {
  const control = (e: { find: Find }) => {
    expect(stateOf(e, 'first')).toBe('WARNING');
    expect(stateOf(e, '1-1-allow-failure')).toBe('WARNING');
    expect(stateOf(e, '1-1-1_seq')).toBe('FAILED');
    expect(stateOf(e, '1-1-1-1')).toBe('SUCCESS');
    expect(stateOf(e, 'ko')).toBe('FAILED');
    expect(stateOf(e, 'local-error')).toBe('SUCCESS');
    expect(stateOf(e, '1-2-todo')).toBe('SUCCESS');
  };
  // Differs: run without inputs, credflow refuses the required STRING input 'crash' (Kestra's test runner lets it through).
  it.fails('success: allow-failure.yaml ends WARNING', async () => {
    const e = await run('allow-failure.yaml');
    expect(e.taskRuns).toHaveLength(9);
    control(e);
    expect(e.find('global-error')).toHaveLength(0);
    expect(stateOf(e, 'last')).toBe('SUCCESS');
    expect(e.state).toBe('WARNING');
  });
  it('failed: allow-failure.yaml with crash ends FAILED', async () => {
    const e = await run('allow-failure.yaml', { crash: '1' });
    expect(e.taskRuns).toHaveLength(10);
    control(e);
    expect(stateOf(e, 'global-error')).toBe('SUCCESS');
    expect(stateOf(e, 'switch')).toBe('FAILED');
    expect(stateOf(e, 'crash')).toBe('FAILED');
    expect(e.state).toBe('FAILED');
  });
});

describe('Fail (plugin/core/execution/FailTest.java)', () => {
  it('failOnSwitch: fail-on-switch.yaml', async () => {
    const e = await run('fail-on-switch.yaml', { param: 'fail' });
    expect(e.taskRuns).toHaveLength(1);
    expect(stateOf(e, 'switch')).toBe('FAILED');
    expect(e.state).toBe('FAILED');
  });
  it('failOnCondition / dontFailOnCondition: fail-on-condition.yaml', async () => {
    const f = await run('fail-on-condition.yaml', { param: 'fail' });
    expect(f.taskRuns).toHaveLength(2);
    expect(stateOf(f, 'fail')).toBe('FAILED');
    expect(f.state).toBe('FAILED');
    const s = await run('fail-on-condition.yaml', { param: 'success' });
    expect(s.taskRuns).toHaveLength(3);
    expect(stateOf(s, 'fail')).toBe('SUCCESS');
    expect(s.state).toBe('SUCCESS');
  });
});

describe('allowFailure / allowWarning / runIf / disabled (core/runners)', () => {
  it.each([
    ['TaskWithAllowFailureTest.runnableTask', 'task-allow-failure-runnable.yml', 'WARNING', 2, 3],
    ['TaskWithAllowFailureTest.flowableTask', 'task-allow-failure-flowable.yml', 'WARNING', 3, undefined],
    ['TaskWithAllowWarningTest.runnableTask', 'task-allow-warning-runnable.yml', 'SUCCESS', 2, 3],
    ['TaskWithAllowWarningTest.flowableTask', 'task-allow-warning-flowable.yml', 'SUCCESS', 3, undefined],
  ])('%s: %s ends %s', async (_m, file, state, count, attempts) => {
    const e = await run(file);
    expect(e.state).toBe(state);
    expect(e.taskRuns).toHaveLength(count);
    if (attempts) expect(e.find('fail')[0]?.attempts).toHaveLength(attempts);
  });
  it('TaskWithRunIfTest.runnableTask: task-runif.yml', async () => {
    const e = await run('task-runif.yml');
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns).toHaveLength(4);
    expect(stateOf(e, 'executed')).toBe('SUCCESS');
    expect(stateOf(e, 'notexecuted')).toBe('SKIPPED');
    expect(stateOf(e, 'willfailedtheflow')).toBe('FAILED');
  });
  it.each([
    ['DisabledTest.simple', 'disable-simple.yaml', 2],
    ['DisabledTest.error', 'disable-error.yaml', 3],
    ['DisabledTest.flowable', 'disable-flowable.yaml', 10],
  ])('%s: %s', async (_m, file, count) => {
    expect((await run(file)).taskRuns).toHaveLength(count);
  });
});

describe('errors (jdbc/.../JdbcRunnerTest.java errors)', () => {
  // Differs: Kestra's errorLogs() function is not supported by credflow's templates yet.
  it.fails('errors.yaml: 7 task runs, errorLogs() in the errors branch', async () => {
    const e = await run('errors.yaml');
    expect(e.taskRuns).toHaveLength(7);
    expect(e.logs.map((l) => l.message)).toContain('- task: failed, message: Task failure');
  });
});

describe('retry (core/.../RetryCaseTest.java via jdbc/.../JdbcRunnerRetryTest.java)', () => {
  it.each([
    ['retrySuccess', 'retry-success.yaml', 'WARNING', 1, 4],
    ['retrySuccessAtFirstAttempt', 'retry-success-first-attempt.yaml', 'SUCCESS', 1, 1],
    ['retryFailed', 'retry-failed.yaml', 'FAILED', 2, 5],
    ['retryRandom', 'retry-random.yaml', 'FAILED', 1, 3],
    ['retryExpo', 'retry-expo.yaml', 'FAILED', 1, 3],
    ['retryFail', 'retry-fail.yaml', 'FAILED', 2, 3],
    ['retryFailedTaskAttempts', 'retry-failed-task-attempts.yml', 'FAILED', undefined, 4],
    ['retryFailedTaskDuration', 'retry-failed-task-duration.yml', 'FAILED', undefined, 3],
  ])(
    '%s: %s ends %s',
    async (_m, file, state, count, attempts) => {
      const e = await run(file);
      expect(e.state).toBe(state);
      if (count !== undefined) expect(e.taskRuns).toHaveLength(count);
      expect(e.taskRuns[0]?.attempts).toHaveLength(attempts);
    },
    15_000,
  );
});

describe('Subflow (plugin/core/flow/FlowCaseTest.java via SubflowRunnerTest/FlowTest)', () => {
  // run(input, fromState, triggerState, count, outputs, testInherited)
  it.each([
    ['waitSuccess', 'OK', 'SUCCESS', 'SUCCESS', 2, 'default > amazing', true],
    ['waitFailed', 'THIRD', 'FAILED', 'FAILED', 4, 'Error Trigger ! error-t1', true],
    ['invalidOutputs', 'FIRST', 'FAILED', 'SUCCESS', 2, undefined, true],
    ['noLabels', 'OK', 'SUCCESS', 'SUCCESS', 2, 'default > amazing', false],
  ] as const)(
    '%s: string=%s, parent %s, subflow %s',
    async (_m, input, fromState, triggerState, count, outputs, inherited) => {
      const file = inherited ? 'task-flow.yaml' : 'task-flow-inherited-labels.yaml';
      const e = await run(file, { string: input }, inherited ? { mainFlowExecutionLabel: 'execFoo' } : {});
      expect(e.taskRuns).toHaveLength(1);
      const launch = e.taskRuns[0];
      expect(launch?.attempts).toHaveLength(1);
      expect(launch?.attempts[0]?.state).toBe(fromState);
      expect(e.state).toBe(fromState);
      const triggered = e.subflowExecutions.find((x) => x.flowId === 'switch');
      expect(triggered).toBeDefined();
      if (!triggered) return;
      if (outputs) {
        expect(String((launch?.outputs.outputs as Record<string, unknown> | undefined)?.extracted)).toContain(outputs);
        expect(launch?.outputs.state).toBe(triggered.state);
      }
      expect(launch?.outputs.executionId).toBe(triggered.id);
      expect(triggered.trigger?.type).toBe('io.kestra.plugin.core.flow.Subflow');
      expect(triggered.trigger?.variables).toMatchObject({
        executionId: e.id,
        flowId: e.flowId,
        namespace: e.namespace,
      });
      expect(triggered.taskRuns).toHaveLength(count);
      expect(triggered.state).toBe(triggerState);
      if (inherited) {
        expect(triggered.labels).toEqual({
          'system.correlationId': e.id,
          mainFlowExecutionLabel: 'execFoo',
          mainFlowLabel: 'flowFoo',
          launchTaskLabel: 'launchFoo',
          switchFlowLabel: 'switchFoo',
        });
      } else {
        expect(triggered.labels).toEqual({
          'system.correlationId': e.id,
          launchTaskLabel: 'launchFoo',
          switchFlowLabel: 'switchFoo',
        });
      }
    },
  );
});

describe('system.correlationId (plugin/core/flow/CorrelationIdTest.java)', () => {
  it('shouldHaveCorrelationId: subflow-parent.yaml, child and grand-child carry the parent execution id', async () => {
    const e = await run('subflow-parent.yaml');
    expect(e.state).toBe('SUCCESS');
    const child = e.subflowExecutions.find((x) => x.flowId === 'subflow-child');
    const grandChild = e.subflowExecutions.find((x) => x.flowId === 'subflow-grand-child');
    expect(child?.state).toBe('SUCCESS');
    expect(child?.labels['system.correlationId']).toBe(e.id);
    expect(grandChild?.state).toBe('SUCCESS');
    expect(grandChild?.labels['system.correlationId']).toBe(e.id);
    // Kestra's labels are nested in templates: {{ labels.system.correlationId }}.
    expect(grandChild?.logs.map((l) => l.message)).toEqual([`My grandparent is ${e.id}`]);
  });
});

describe('allowFailure / allowWarning on a Subflow (TaskWithAllowFailureTest, TaskWithAllowWarningTest executableTask_Flow)', () => {
  it.each([
    ['task-allow-failure-executable-flow.yml', 'WARNING'],
    ['task-allow-warning-executable-flow.yml', 'SUCCESS'],
  ])('%s ends %s with 2 task runs', async (file, state) => {
    const e = await run(file);
    expect(e.state).toBe(state);
    expect(e.taskRuns).toHaveLength(2);
    expect(e.subflowExecutions[0]?.state).toBe('FAILED');
  });
});

describe('a subflow that does not exist (jdbc/.../JdbcRunnerTest.java eachParallelWithSubflowMissing)', () => {
  it('each-parallel-subflow-notfound.yml ends FAILED, at least the EachParallel and one Subflow task run FAILED', async () => {
    const e = await run('each-parallel-subflow-notfound.yml');
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns.filter((r) => r.state === 'FAILED').length).toBeGreaterThanOrEqual(2);
    expect(e.taskRuns.find((r) => r.taskId === 'subflow-not-exist')?.error).toContain(
      "no flow 'value-1' in namespace 'dev' in the flows directory",
    );
  });
});

describe('flow and parent-task retry (plugin/core/flow/RetryCaseTest.java via jdbc/.../JdbcRunnerRetryTest.java)', () => {
  // Kestra's ExecutorService.handleRetry: a failed runnable task (or Subflow) retries with its own retry,
  // else the closest parent task's, else the flow's; the default behavior is RETRY_FAILED_TASK.
  it.each([
    ['retrySubflow', 'retry-subflow.yaml', 0, 3],
    ['retryFailedFlowAttempts', 'retry-failed-flow-attempts.yml', 0, 4],
    ['retryFailedFlowDuration', 'retry-failed-flow-duration.yml', 0, 3],
    ['retryFlowable', 'retry-flowable.yaml', 1, 3],
    ['retryFlowableChild', 'retry-flowable-child.yaml', 1, 3],
    ['retryFlowableNestedChild', 'retry-flowable-nested-child.yaml', 2, 3],
  ])(
    '%s: %s ends FAILED, task run %i with %i attempts',
    async (_m, file, index, attempts) => {
      const e = await run(file);
      expect(e.state).toBe('FAILED');
      expect(e.taskRuns[index]?.attempts).toHaveLength(attempts);
    },
    15_000,
  );
  it('retrySubflow: each attempt of the Subflow task is a new execution of failed-first', async () => {
    const e = await run('retry-subflow.yaml');
    expect(e.subflowExecutions.map((x) => [x.flowId, x.state])).toEqual([
      ['failed-first', 'FAILED'],
      ['failed-first', 'FAILED'],
      ['failed-first', 'FAILED'],
    ]);
  });
  it('retryFlowableParallel: retry-flowable-parallel.yaml, both ForEach children retried', async () => {
    const e = await run('retry-flowable-parallel.yaml');
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns[1]?.attempts.length).toBeGreaterThanOrEqual(2);
    expect(e.taskRuns[2]?.attempts.length).toBeGreaterThanOrEqual(2);
  });
  // Differs: CREATE_NEW_EXECUTION (a new execution per attempt, the failed ones RETRIED) is not supported:
  // credflow retries within the execution, and refuses the flow when it is loaded, at the behavior's line.
  it.each([
    ['retryNewExecutionFlowAttempts', 'retry-new-execution-flow-attempts.yml', 'retry.behavior', 5],
    ['retryNewExecutionFlowDuration', 'retry-new-execution-flow-duration.yml', 'retry.behavior', 5],
    ['retryNewExecutionTaskAttempts', 'retry-new-execution-task-attempts.yml', 'tasks[0].retry.behavior', 9],
    ['retryNewExecutionTaskDuration', 'retry-new-execution-task-duration.yml', 'tasks[0].retry.behavior', 9],
  ])('%s: %s is refused when loaded', async (_m, file, path, line) => {
    const err = await run(file).catch((e: unknown) => e);
    expect((err as FlowError).issues).toEqual([
      {
        path,
        line,
        message: 'credflow retries within the execution: CREATE_NEW_EXECUTION is not supported (use RETRY_FAILED_TASK)',
      },
    ]);
  });
});

describe('Pause (plugin/core/flow/PauseTest.java)', () => {
  // Kestra marks runDelay and parallelDelay @Disabled as flaky on its queue; their assertions hold here.
  it('runDelay: pause-delay.yaml waits its delay, resumes: 3 task runs, SUCCESS', async () => {
    const t0 = performance.now();
    const e = await run('pause-delay.yaml');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns.map((r) => r.taskId)).toEqual(['pause', 'subtask', 'last']);
    expect(e.taskRuns[0]?.attempts).toHaveLength(1);
  });
  it('runParallelDelay: each-parallel-pause.yml, three pauses at once: 7 task runs, SUCCESS', async () => {
    const t0 = performance.now();
    const e = await run('each-parallel-pause.yml');
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns).toHaveLength(7);
    expect(performance.now() - t0).toBeLessThan(2900);
  });
  it('runTimeout: pause-timeout.yaml, not resumed within its timeout: 1 task run, FAILED', async () => {
    const e = await run('pause-timeout.yaml');
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns).toHaveLength(1);
    expect(e.taskRuns[0]?.state).toBe('FAILED');
    expect(e.taskRuns[0]?.attempts.map((a) => a.state)).toEqual(['FAILED']);
  });
  // Differs: Kestra's tests resume these by hand (ExecutionService.markAs); credflow run cannot resume an
  // execution, so a Pause with no duration is refused before anything runs, naming the line.
  it.each([
    ['run', 'pause.yaml', 7],
    ['runEmptyTasks', 'pause_no_tasks.yaml', 7],
  ])('%s: %s (manual resume) is refused before anything runs', async (_m, file, line) => {
    const err = await run(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).issues).toEqual([
      { path: 'tasks[0].type', line, message: expect.stringContaining('waits for a manual resume') },
    ]);
  });
  it("delayFromInput: pause-delay-from-input.yaml (a DURATION input) waits the input's delay: 3 task runs, SUCCESS", async () => {
    const e = await run('pause-delay-from-input.yaml');
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns).toHaveLength(3);
  });
});

describe('flow concurrency (core/.../runners/FlowConcurrencyCaseTest.java via jdbc/.../JdbcRunnerTest.java)', () => {
  /**
   * Two executions of `file`: the first started, then (once its first task runs) the second, at once:
   * both read and parsed beforehand, so the second starts well within the first's 1-2 s.
   */
  async function twoExecutions(file: string) {
    const [a, b] = await Promise.all([prepare(file), prepare(file)]);
    let running!: () => void;
    const started = new Promise<void>((resolve) => {
      running = resolve;
    });
    const first = a({ onTaskStart: () => running() });
    await started;
    return { first, second: await b() };
  }

  it.each([
    ['flowConcurrencyCancel', 'flow-concurrency-cancel.yml', 'CANCELLED'],
    ['flowConcurrencyFail', 'flow-concurrency-fail.yml', 'FAILED'],
    ['flowConcurrencyCancelPause', 'flow-concurrency-cancel-pause.yml', 'CANCELLED'],
  ])('%s: %s, a second execution while one runs ends %s at once, the first SUCCESS', async (_m, file, state) => {
    const { first, second } = await twoExecutions(file);
    expect(second.state).toBe(state);
    expect(second.taskRuns).toEqual([]);
    if (state === 'FAILED') {
      expect(second.logs.map((l) => l.message)).toEqual(['Flow is FAILED due to concurrency limit exceeded']);
    }
    const done = await first;
    expect(done.state).toBe('SUCCESS');
    // The second did not wait for the first.
    expect(Date.parse(second.endDate ?? '')).toBeLessThanOrEqual(Date.parse(done.endDate ?? ''));
  });

  it.each([
    ['flowConcurrencyQueue', 'flow-concurrency-queue.yml'],
    ['flowConcurrencyQueuePause', 'flow-concurrency-queue-pause.yml'],
  ])('%s: %s, a second execution waits its turn (queued), then runs: both SUCCESS', async (_m, file) => {
    const { first, second } = await twoExecutions(file);
    const done = await first;
    expect(done.state).toBe('SUCCESS');
    expect(second.state).toBe('SUCCESS');
    expect(second.logs[0]?.message).toBe('Flow is queued due to concurrency limit exceeded, 1 running(s)');
    // Its first task started once the first execution had ended.
    expect(Date.parse(second.taskRuns[0]?.startDate ?? '')).toBeGreaterThanOrEqual(Date.parse(done.endDate ?? ''));
  });
});

describe('inputs (webserver/.../ExecutionControllerTest.java, its first run of restart_with_inputs)', () => {
  it('restart_with_inputs.yaml with the test inputs the flow declares: 5 task runs, SUCCESS, typed values', async () => {
    // Differs: ExecutionControllerTest gives its shared inputs map, of which the flow declares 6;
    // credflow refuses undeclared inputs, so only those are given. Its FILE (data/hello.txt) is a
    // local file here, and the input's value its file:// URI (Kestra: a kestra:// storage URI).
    const file = join(FLOWS, 'restart_with_inputs.yaml');
    const e = await run('restart_with_inputs.yaml', {
      string: 'myString',
      int: '42',
      float: '42.42',
      instant: '2019-10-06T18:27:49Z',
      file,
    });
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns).toHaveLength(5);
    expect(e.find('string')[0]?.outputs.value).toBe('myString');
    expect(e.find('int')[0]?.outputs.value).toBe('42');
    expect(e.find('instant')[0]?.outputs.value).toBe('2019-10-06T18:27:49Z');
    expect(e.find('file')[0]?.outputs.value).toBe(pathToFileURL(file).href);
  });
});
