import { z } from 'zod';
import type { LogLevel, RunnableTaskType } from './task-type.js';
import { templated } from './template-values.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** `io.kestra.plugin.core.log.Log`: logs `message` (a string or a list) at `level`. */
export const logTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.log.Log',
  aliases: ['io.kestra.core.tasks.log.Log'],
  fields: {
    message: z.union([templated, z.array(templated)]),
    level: z.enum(LEVELS).default('INFO'),
  },
  async run(props, ctx) {
    const messages = Array.isArray(props.message) ? props.message : [props.message];
    for (const m of messages) ctx.log(props.level as LogLevel, String(m));
    return {};
  },
};
