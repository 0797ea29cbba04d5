import { z } from 'zod';
import type { FlowTask } from '../../flow/flow.js';
import { type FlowableTaskType, TaskError } from '../task-type.js';

/**
 * `io.kestra.plugin.core.flow.Switch`: renders `value` and runs the tasks of
 * the case with that key, else `defaults`; with neither the task fails, as
 * in Kestra. Outputs `value` and `defaults` (whether the defaults ran).
 */
export const switchTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.Switch',
  aliases: ['io.kestra.core.tasks.flows.Switch'],
  fields: (task) => ({
    value: z.union([z.string(), z.number(), z.boolean()]),
    cases: z.record(z.string(), z.array(task)).optional(),
    defaults: z.array(task).nullish(),
  }),
  taskLists: [{ key: 'cases', map: true }, { key: 'defaults' }],
  async flow(props, ctx) {
    const value = String(props.value);
    const cases = (props.cases ?? {}) as Record<string, FlowTask[]>;
    const matched = Object.hasOwn(cases, value);
    const tasks = matched ? cases[value] : ((props.defaults ?? undefined) as FlowTask[] | undefined);
    const outputs = { value, defaults: !matched };
    ctx.setOutputs(outputs);
    if (!tasks) throw new TaskError('no case matches the value and there are no defaults', { property: 'value' });
    await ctx.runGroups([{ path: matched ? ['cases', value] : ['defaults'], tasks }], 1);
    return outputs;
  },
};
