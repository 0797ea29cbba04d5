import { z } from 'zod';
import { TaskError } from './task-type.js';

/** A string that may hold `<< >>` templates. */
export const templated = z.string();
/** A value given literally or as a template that renders to it. */
export const orTemplate = <T extends z.ZodType>(schema: T) => z.union([schema, z.string()]);

/** Reads a boolean property after rendering (`true`, `"true"`, `"false"`). */
export function toBoolean(v: unknown, name: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false' || v === '' || v === undefined) return false;
  throw new TaskError('must be true or false', { property: name });
}
