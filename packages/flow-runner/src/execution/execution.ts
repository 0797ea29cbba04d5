import type { LogLevel } from '../tasks/task-type.js';

export type State = 'SUCCESS' | 'FAILED';

export interface TaskRun {
  taskId: string;
  type: string;
  state: State;
  outputs: Record<string, unknown>;
  error?: string;
  durationMs: number;
  /** 2 when the task was retried with fresh credentials after HTTP 401. */
  attempts: number;
}

/** A finished execution; every value in it is already masked. */
export interface Execution {
  id: string;
  flowId: string;
  namespace: string;
  tenantId: string;
  state: State;
  taskRuns: TaskRun[];
  outputs: Record<string, unknown>;
  startDate: string;
  durationMs: number;
  /**
   * Set when a template reached past the sandbox (ERR_TEMPLATE_FORBIDDEN):
   * the execution stopped there, without its `errors` tasks.
   */
  sandboxViolation?: true;
}

export interface LogEntry {
  time: Date;
  taskId: string;
  level: LogLevel;
  /** Already masked. */
  message: string;
}
