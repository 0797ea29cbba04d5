import { z } from 'zod';
import { type RunnableTaskType, TaskError } from './task-type.js';
import { isTruthy } from './truthy.js';

/**
 * `io.kestra.plugin.core.execution.Fail`: fails the task with `errorMessage`
 * (default "Task failure"), or, with a `condition`, only when it renders true.
 */
export const failTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.execution.Fail',
  aliases: ['io.kestra.core.tasks.executions.Fail'],
  fields: {
    condition: z.union([z.string(), z.boolean()]).optional(),
    errorMessage: z.string().default('Task failure'),
  },
  async run(props, ctx) {
    const message = String(props.errorMessage ?? 'Task failure');
    if (props.condition !== undefined) {
      if (isTruthy(props.condition)) {
        ctx.log('ERROR', message);
        throw new TaskError('Fail on a condition');
      }
      return {};
    }
    throw new TaskError(message);
  },
};
