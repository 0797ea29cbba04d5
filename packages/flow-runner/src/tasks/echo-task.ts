import { z } from 'zod';
import type { LogLevel, RunnableTaskType } from './task-type.js';
import { templated } from './template-values.js';

/** `io.kestra.plugin.core.debug.Echo` (deprecated in Kestra for Log): logs `format` at `level`. */
export const echoTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.debug.Echo',
  aliases: ['io.kestra.core.tasks.debugs.Echo'],
  fields: { format: templated, level: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO') },
  async run(props, ctx) {
    ctx.log(props.level as LogLevel, String(props.format));
    return {};
  },
};
