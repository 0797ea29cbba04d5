import type { RunnableTaskType } from './task-type.js';
import { templated } from './template-values.js';

/** `io.kestra.plugin.core.debug.Return`: outputs the rendered `format` as `outputs.<id>.value`. */
export const returnTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.debug.Return',
  aliases: ['io.kestra.core.tasks.debugs.Return'],
  fields: { format: templated },
  async run(props) {
    return { value: String(props.format) };
  },
};
