import { TaskError } from '../task-type.js';

/**
 * The values a ForEach runs for, as Kestra resolves them
 * (`FlowableUtils.resolveEachTasks`): a JSON array in a string or a list;
 * strings stay as they are, other values become JSON; duplicates are
 * dropped; a null value fails the task.
 */
export function eachValues(values: unknown, property: string): string[] {
  let list: unknown[];
  if (typeof values === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values);
    } catch {
      throw new TaskError('not a JSON array (e.g. ["a", "b"])', { property });
    }
    if (!Array.isArray(parsed)) throw new TaskError('not a JSON array (e.g. ["a", "b"])', { property });
    list = parsed;
  } else if (Array.isArray(values)) {
    list = values;
  } else {
    throw new TaskError('expected a list or a JSON array', { property });
  }
  const nulls = list.filter((v) => v === null || v === undefined).length;
  if (nulls) throw new TaskError(`found ${nulls} null value${nulls > 1 ? 's' : ''}`, { property });
  return [...new Set(list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
}
