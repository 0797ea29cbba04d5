import { z } from 'zod';
import type { FlowTask } from '../../flow/flow.js';
import type { FlowableTaskType } from '../task-type.js';
import { isTruthy } from '../truthy.js';
import { taskList } from './task-list.js';

/**
 * `io.kestra.plugin.core.flow.If`: renders `condition` once (Kestra's boolean
 * coercion), runs `then` or `else`; outputs `evaluationResult`.
 */
export const ifTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.If',
  aliases: ['io.kestra.core.tasks.flows.If'],
  fields: (task) => ({
    condition: z.union([z.string(), z.boolean()]),
    // biome-ignore lint/suspicious/noThenProperty: Kestra's property name
    then: taskList(task),
    else: z.array(task).optional(),
  }),
  taskLists: [{ key: 'then' }, { key: 'else' }],
  async flow(props, ctx) {
    const evaluationResult = isTruthy(props.condition);
    ctx.setOutputs({ evaluationResult });
    const branch = evaluationResult ? 'then' : 'else';
    const tasks = (props[branch] ?? []) as FlowTask[];
    if (tasks.length) await ctx.runGroups([{ path: [branch], tasks }], 1);
    return { evaluationResult };
  },
};
