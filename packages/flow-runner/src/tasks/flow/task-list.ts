import { z } from 'zod';

/** A non-empty list of tasks, for a flowable task's schema. */
export const taskList = (task: z.ZodType) => z.array(task).min(1, 'needs at least one task');
/** The properties every flowable task holds tasks in, besides `errors`. */
export const TASKS = [{ key: 'tasks' }] as const;
