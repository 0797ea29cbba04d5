import { AsyncLocalStorage } from 'node:async_hooks';
import { TaskError } from '../tasks/task-type.js';

/**
 * How much one run of a flow may do (issue 26, review R3). Kestra has no
 * such caps: its executions run on a server, watched and killable. credflow
 * runs a flow in one process on a developer machine or a CI runner, where
 * `retry.maxAttempt: 100000000` with no interval, or ForEach loops and
 * subflows that multiply, would run (and grow) until someone notices.
 * Real flows stay far below: Kestra's own test flows make at most a few
 * hundred task runs.
 */
export const EXECUTION_LIMITS = {
  /** Task runs of one execution, its subflow executions' included (a ForEach makes one per value). */
  maxTaskRuns: 10_000,
  /** Attempts of one task run: its first and its retries (`retry.maxAttempt` may not be higher). */
  maxAttempts: 100,
  /** Subflow executions one run starts (each costs far more than a task run: its own context, storage, trace). */
  maxSubflowExecutions: 1_000,
} as const;

/**
 * The task runs and subflow executions a run (an execution and its
 * subflow executions) may still make. Once one is refused, every further
 * task run is too: the run ends FAILED.
 */
export class TaskRunBudget {
  #left: number;
  #executionsLeft: number;
  /** Whether a task run or a subflow execution was refused. */
  exhausted = false;
  /** The limit reached first. */
  #reached: 'maxTaskRuns' | 'maxSubflowExecutions' = 'maxTaskRuns';

  constructor(
    readonly limit: number = EXECUTION_LIMITS.maxTaskRuns,
    readonly executionLimit: number = EXECUTION_LIMITS.maxSubflowExecutions,
  ) {
    this.#left = limit;
    this.#executionsLeft = executionLimit;
  }

  /** Takes one subflow execution; false (and exhausted from then on) when none is left or the run is exhausted. */
  takeExecution(): boolean {
    if (this.exhausted || this.#executionsLeft <= 0) {
      if (!this.exhausted) this.#reached = 'maxSubflowExecutions';
      this.exhausted = true;
      return false;
    }
    this.#executionsLeft--;
    return true;
  }

  /** Takes one task run; false (and exhausted from then on) when none is left. */
  take(): boolean {
    if (this.exhausted || this.#left <= 0) {
      this.exhausted = true;
      return false;
    }
    this.#left--;
    return true;
  }

  /** The error of a refused task run or subflow execution, naming the limit reached. */
  error(): TaskError {
    if (this.#reached === 'maxSubflowExecutions') {
      return new TaskError(
        `the execution reached its limit of ${this.executionLimit.toLocaleString('en-US')} subflow executions: ` +
          'credflow stops a flow whose loops, retries or subflows run away',
      );
    }
    return new TaskError(
      `the execution reached its limit of ${this.limit.toLocaleString('en-US')} task runs (subflow executions included): ` +
        'credflow stops a flow whose loops, retries or subflows run away',
    );
  }
}

/** The budget of the execution whose Subflow task is starting a subflow execution. */
const parentBudget = new AsyncLocalStorage<TaskRunBudget>();

/** Runs `fn` (a subflow execution started by a task) with the task's execution's budget. */
export function withBudget<T>(budget: TaskRunBudget, fn: () => T): T {
  return parentBudget.run(budget, fn);
}

/** The budget of the execution that started this one (a subflow execution), if any. */
export function inheritedBudget(): TaskRunBudget | undefined {
  return parentBudget.getStore();
}
