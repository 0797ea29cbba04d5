import { formatPath } from '@credflow/credentials-core/internal';
import { HAS_TEMPLATE } from '../execution/template-environment.js';
import type { Flow } from '../flow/flow.js';
import { TaskError } from './task-type.js';

/**
 * The message of a failed task for logs and results. A {@link TaskError}
 * about one property is placed at its YAML path and line and names the
 * template the value was rendered from, never the rendered value, e.g.
 * `tasks[1].uri (flow.yaml line 9): not a valid URL (template "<< vars.base >>/v1")`.
 * @param path where the task is: `['tasks', 1]` or `['errors', 0]`
 * @param written the task's properties as written in the flow (before rendering)
 */
export function taskFailureMessage(
  err: unknown,
  flow: Flow,
  path: (string | number)[],
  written: Record<string, unknown>,
): string {
  const message = (err as Error | undefined)?.message ?? String(err);
  if (!(err instanceof TaskError) || !err.property) return message;
  const keys = err.property.split('.');
  const full = [...path, ...keys];
  const line = flow.source.lineOf(full);
  let source: unknown = written;
  for (const k of keys)
    source = source && typeof source === 'object' ? (source as Record<string, unknown>)[k] : undefined;
  const template =
    typeof source === 'string' && HAS_TEMPLATE.test(source) ? ` (template ${JSON.stringify(source)})` : '';
  return `${formatPath(full)} (${flow.source.file}${line !== undefined ? ` line ${line}` : ''}): ${err.reason}${template}`;
}
