import { parseDuration } from '@credflow/credentials-core/internal';
import { z } from 'zod';
import { EXECUTION_LIMITS } from '../execution/execution-limits.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** An ISO-8601 duration written literally (e.g. `PT30S`). */
export const isoDuration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'expected an ISO-8601 duration (e.g. PT30S)');

const maxAttemptSchema = z
  .number()
  .int()
  .min(1)
  .max(EXECUTION_LIMITS.maxAttempts, {
    error: `credflow makes at most ${EXECUTION_LIMITS.maxAttempts} attempts per task run (its execution limit; Kestra has none)`,
  });

/** Kestra's `retry`: `constant`, `exponential` or `random`, bounded by attempts and/or duration. */
export const retrySchema = z
  .strictObject({
    type: z.enum(['constant', 'exponential', 'random'], {
      error: 'unknown retry type: expected one of constant, exponential, random',
    }),
    interval: isoDuration.optional(),
    minInterval: isoDuration.optional(),
    maxInterval: isoDuration.optional(),
    delayFactor: z.number().positive().optional(),
    /** Kestra's name for it. At most credflow's limit of attempts per task run (Kestra has none). */
    maxAttempt: maxAttemptSchema.optional(),
    maxAttempts: maxAttemptSchema.optional(),
    maxDuration: isoDuration.optional(),
    warningOnRetry: z.boolean().optional(),
    behavior: z.enum(['RETRY_FAILED_TASK', 'CREATE_NEW_EXECUTION']).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.type !== 'random' && r.interval === undefined) {
      ctx.addIssue({ code: 'custom', path: ['interval'], message: `a ${r.type} retry needs an interval` });
    }
    if (r.type === 'exponential' && r.maxInterval === undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxInterval'], message: 'an exponential retry needs a maxInterval' });
    }
    if (r.type === 'random' && (r.minInterval === undefined || r.maxInterval === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['minInterval'],
        message: 'a random retry needs minInterval and maxInterval',
      });
    }
    if (r.maxAttempt === undefined && r.maxAttempts === undefined && r.maxDuration === undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxAttempt'], message: 'a retry needs maxAttempt or maxDuration' });
    }
    if (r.behavior === 'CREATE_NEW_EXECUTION') {
      ctx.addIssue({
        code: 'custom',
        path: ['behavior'],
        message: 'credflow retries within the execution: CREATE_NEW_EXECUTION is not supported (use RETRY_FAILED_TASK)',
      });
    }
  });
export type Retry = z.output<typeof retrySchema>;

/** Properties every Kestra task has (Kestra's `Task` class). */
export const commonTaskFields = {
  description: z.string().optional(),
  retry: retrySchema.optional(),
  /** ISO-8601 duration, may be a template. */
  timeout: z.string().optional(),
  disabled: z.boolean().optional(),
  /** Rendered; the task is SKIPPED when it renders to false, 0, -0 or an empty string. */
  runIf: z.union([z.string(), z.boolean()]).optional(),
  allowFailure: z.boolean().optional(),
  allowWarning: z.boolean().optional(),
  logLevel: z.enum(LEVELS).optional(),
  /** Accepted for compatibility; credflow keeps logs in the execution. */
  logToFile: z.boolean().optional(),
  /** Accepted for compatibility; credflow has one worker. */
  workerGroup: z.looseObject({ key: z.string() }).optional(),
} satisfies z.ZodRawShape;

/** Names of the properties the executor handles for every task (not passed to the task type). */
export const COMMON_TASK_KEYS = new Set(['id', 'type', ...Object.keys(commonTaskFields)]);
