import { randomBytes } from 'node:crypto';
import type { State } from './state.js';

/** One attempt of a task run (a retry adds one). */
export interface TaskRunAttempt {
  state: State;
  startDate: string;
  endDate?: string;
}

/** One run of a task, as Kestra records it. Every value in it is masked. */
export interface TaskRun {
  /** A Kestra-like random id (22 base62 characters). */
  id: string;
  taskId: string;
  type: string;
  /** The task run of the flowable task this one runs in. */
  parentTaskRunId?: string;
  /** The ForEach value this run is for (a string; other values as JSON). */
  value?: string;
  state: State;
  attempts: TaskRunAttempt[];
  outputs: Record<string, unknown>;
  /** The failure message (masked), when the task failed. */
  error?: string;
  /** The failure's code, e.g. `ERR_TASK_FAILED`. */
  errorCode?: string;
  startDate: string;
  endDate?: string;
  durationMs: number;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random id like Kestra's `IdUtils.create()`: 22 base62 characters (about 128 bits). */
export function newRunId(): string {
  const bytes = randomBytes(22);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}
