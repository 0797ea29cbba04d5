import type { ConfigIssue } from '@credflow/credentials-core';
import { formatPath } from '@credflow/credentials-core/internal';
import type { Flow } from '../../flow/flow.js';
import { walkTasks } from '../../flow/walk-tasks.js';
import { ENABLE_PROCESS_TASKS, SCRIPT_TASK_TYPES } from './shell-tasks.js';

/** The message for a script task in a flow whose credflow.yaml does not enable them. */
export function processTasksDisabledMessage(type: string, configFile?: string): string {
  return `${type} runs a local process: script tasks are off unless credflow.yaml enables them; add \`${ENABLE_PROCESS_TASKS}\` to ${configFile ?? 'credflow.yaml'} (this trusts flow authors with this machine: its files and network)`;
}

/** Every script task of `flow` (nested ones included), as problems to report when they are not enabled. */
export function processTaskIssues(flow: Flow, configFile?: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walkTasks(flow, (task, path) => {
    if (typeof task.type === 'string' && SCRIPT_TASK_TYPES.has(task.type)) {
      const at = [...path, 'type'];
      issues.push({
        path: formatPath(at),
        line: flow.source.lineOf(at) ?? 1,
        message: processTasksDisabledMessage(task.type, configFile),
      });
    }
  });
  return issues;
}
