import type { FlowTask } from '../../flow/flow.js';
import type { FlowableTaskType } from '../task-type.js';
import { TASKS, taskList } from './task-list.js';

/** `io.kestra.plugin.core.flow.Sequential`: runs `tasks` one after the other, stopping at the first failure. */
export const sequentialTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.Sequential',
  aliases: ['io.kestra.core.tasks.flows.Sequential'],
  fields: (task) => ({ tasks: taskList(task) }),
  taskLists: TASKS,
  async flow(props, ctx) {
    await ctx.runGroups([{ path: ['tasks'], tasks: props.tasks as FlowTask[] }], 1);
    return undefined;
  },
};

/**
 * `io.kestra.plugin.core.flow.AllowFailure`: `tasks` as in Sequential; a
 * failure among them leaves this task (and the execution) in WARNING.
 */
export const allowFailureTask: FlowableTaskType = {
  ...sequentialTask,
  type: 'io.kestra.plugin.core.flow.AllowFailure',
  aliases: ['io.kestra.core.tasks.flows.AllowFailure'],
  allowsFailure: true,
};
