import { z } from 'zod';
import type { FlowTask } from '../../flow/flow.js';
import type { FlowableTaskType } from '../task-type.js';
import { TASKS, taskList } from './task-list.js';

/**
 * `io.kestra.plugin.core.flow.Parallel`: runs `tasks` at the same time, at
 * most `concurrent` at once (0, the default: no limit); after a failure no
 * new task starts.
 */
export const parallelTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.Parallel',
  aliases: ['io.kestra.core.tasks.flows.Parallel'],
  fields: (task) => ({ tasks: taskList(task), concurrent: z.number().int().min(0).default(0) }),
  taskLists: TASKS,
  async flow(props, ctx) {
    const tasks = props.tasks as FlowTask[];
    await ctx.runGroups(
      tasks.map((t, i) => ({ path: ['tasks'], tasks: [t], start: i })),
      Number(props.concurrent ?? 0),
    );
    return undefined;
  },
};
