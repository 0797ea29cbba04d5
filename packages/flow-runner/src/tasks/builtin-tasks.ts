import { echoTask } from './echo-task.js';
import { failTask } from './fail-task.js';
import { eachParallelTask, eachSequentialTask, forEachTask } from './flow/for-each-task.js';
import { ifTask } from './flow/if-task.js';
import { parallelTask } from './flow/parallel-task.js';
import { pauseTask } from './flow/pause-task.js';
import { allowFailureTask, sequentialTask } from './flow/sequential-task.js';
import { subflowTask } from './flow/subflow-task.js';
import { switchTask } from './flow/switch-task.js';
import { logTask } from './log-task.js';
import { outputValuesTask } from './output-values-task.js';
import { requestTask } from './request-task.js';
import { returnTask } from './return-task.js';
import { shellCommandsTask, shellScriptTask } from './script/shell-tasks.js';
import { sleepTask } from './sleep-task.js';
import type { TaskType } from './task-type.js';

/** The task types the runner knows. */
export const builtinTasks: readonly TaskType[] = [
  requestTask,
  logTask,
  outputValuesTask,
  returnTask,
  sleepTask,
  echoTask,
  failTask,
  ifTask,
  switchTask,
  forEachTask,
  eachSequentialTask,
  eachParallelTask,
  parallelTask,
  sequentialTask,
  allowFailureTask,
  pauseTask,
  subflowTask,
  shellCommandsTask,
  shellScriptTask,
];

/** Task types by type name and alias. */
export function taskTypeMap(tasks: readonly TaskType[] = builtinTasks): Map<string, TaskType> {
  const map = new Map<string, TaskType>();
  for (const t of tasks) {
    map.set(t.type, t);
    for (const a of t.aliases ?? []) map.set(a, t);
  }
  return map;
}
