import type { LogLevel } from '../tasks/task-type.js';
import type { State } from './state.js';
import type { TaskRun } from './task-run.js';

export type { State } from './state.js';
export type { TaskRun, TaskRunAttempt } from './task-run.js';

/** A finished execution; every value in it is already masked. */
export interface Execution {
  id: string;
  flowId: string;
  namespace: string;
  tenantId: string;
  /** Its labels: the flow's, those given (`--label`, a Subflow task's) and `system.correlationId`. */
  labels: Record<string, string>;
  /** SUCCESS, WARNING, FAILED or KILLED. */
  state: State;
  /** In the order they were created (a ForEach child once per value). */
  taskRuns: TaskRun[];
  outputs: Record<string, unknown>;
  /** Every log line of the execution, masked. */
  logs: LogEntry[];
  startDate: string;
  endDate: string;
  durationMs: number;
  /**
   * Subflow executions this one started (nested ones included), in the order
   * started, each of the same shape (its own list empty); empty for a subflow execution.
   */
  subflowExecutions: Execution[];
  /** For a subflow execution: the Subflow task that started it and its execution (`trigger` in templates). */
  trigger?: { id: string; type: string; variables: Record<string, unknown> };
  /**
   * Set when a template reached past the sandbox (ERR_TEMPLATE_FORBIDDEN):
   * the execution stopped there, without its `errors` tasks.
   */
  sandboxViolation?: true;
}

export interface LogEntry {
  time: Date;
  taskId: string;
  /** The task run that logged (absent for flow-level lines). */
  taskRunId?: string;
  level: LogLevel;
  /** Already masked. */
  message: string;
}
