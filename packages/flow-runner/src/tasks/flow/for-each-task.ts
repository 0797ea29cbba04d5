import { z } from 'zod';
import type { FlowTask } from '../../flow/flow.js';
import type { FlowableTaskType } from '../task-type.js';
import { eachValues } from './each-values.js';
import { TASKS, taskList } from './task-list.js';

const values = z.union([z.string(), z.array(z.unknown())]);

/**
 * `io.kestra.plugin.core.flow.ForEach`: runs `tasks` (in order) once per
 * value of `values`, `concurrencyLimit` values at once (1, the default: one
 * after the other; 0: all at once). Each child run has `taskrun.value`;
 * outputs are `outputs.<id>[value]`.
 */
export const forEachTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.ForEach',
  fields: (task) => ({ values, concurrencyLimit: z.number().int().min(0).default(1), tasks: taskList(task) }),
  taskLists: TASKS,
  async flow(props, ctx) {
    const tasks = props.tasks as FlowTask[];
    const groups = eachValues(props.values, 'values').map((value) => ({ path: ['tasks'], tasks, value }));
    await ctx.runGroups(groups, Number(props.concurrencyLimit ?? 1));
    return undefined;
  },
};

/** `io.kestra.plugin.core.flow.EachSequential` (deprecated in Kestra): ForEach over `value`, one value at a time. */
export const eachSequentialTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.EachSequential',
  aliases: ['io.kestra.core.tasks.flows.EachSequential'],
  fields: (task) => ({ value: values, tasks: taskList(task) }),
  taskLists: TASKS,
  async flow(props, ctx) {
    const tasks = props.tasks as FlowTask[];
    await ctx.runGroups(
      eachValues(props.value, 'value').map((value) => ({ path: ['tasks'], tasks, value })),
      1,
    );
    return undefined;
  },
};

/**
 * `io.kestra.plugin.core.flow.EachParallel` (deprecated in Kestra): every
 * task for every value of `value` at the same time, at most `concurrent`
 * at once (0: no limit).
 */
export const eachParallelTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.EachParallel',
  aliases: ['io.kestra.core.tasks.flows.EachParallel'],
  fields: (task) => ({ value: values, concurrent: z.number().int().min(0).default(0), tasks: taskList(task) }),
  taskLists: TASKS,
  async flow(props, ctx) {
    const tasks = props.tasks as FlowTask[];
    const groups = eachValues(props.value, 'value').flatMap((value) =>
      tasks.map((t, i) => ({ path: ['tasks'], tasks: [t], start: i, value })),
    );
    await ctx.runGroups(groups, Number(props.concurrent ?? 0));
    return undefined;
  },
};
