import { parseDuration } from '@credflow/credentials-core/internal';
import { sleepFor } from './long-sleep.js';
import type { RunnableTaskType } from './task-type.js';
import { TaskError } from './task-type.js';
import { templated } from './template-values.js';

/** `io.kestra.plugin.core.flow.Sleep`: waits `duration` (ISO-8601). */
export const sleepTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.flow.Sleep',
  fields: { duration: templated },
  async run(props, ctx) {
    const ms = parseDuration(String(props.duration));
    if (ms === undefined) throw new TaskError('not an ISO-8601 duration (e.g. PT1S)', { property: 'duration' });
    await sleepFor(ms, ctx.signal);
    return {};
  },
};
