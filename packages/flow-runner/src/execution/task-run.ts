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
const ID_LENGTH = 22;
/** Random bytes for 256 ids, drawn at once: a `randomBytes` call per id was over a quarter of a no-op task run. */
const POOL_SIZE = ID_LENGTH * 256;
let pool = Buffer.alloc(0);
let used = POOL_SIZE;

/** A random id like Kestra's `IdUtils.create()`: 22 base62 characters (about 128 bits). */
export function newRunId(): string {
  if (used === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    used = 0;
  }
  let out = '';
  for (let i = used; i < used + ID_LENGTH; i++) out += BASE62[(pool[i] as number) % 62];
  used += ID_LENGTH;
  return out;
}
