import { z } from 'zod';
import type { RunnableTaskType } from './task-type.js';

/** `io.kestra.plugin.core.output.OutputValues`: outputs `values` (rendered) as `outputs.<id>.values`. */
export const outputValuesTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.output.OutputValues',
  fields: { values: z.record(z.string(), z.unknown()) },
  async run(props) {
    return { values: props.values };
  },
};
