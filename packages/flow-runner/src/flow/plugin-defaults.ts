import { walkTasks } from './walk-tasks.js';

/** One entry of `pluginDefaults` (Kestra; `taskDefaults` is its older name). */
export interface PluginDefault {
  type: string;
  values: Record<string, unknown>;
  forced?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `over` merged into `base`, mappings deeply (Kestra's `MapUtils.merge`); lists and scalars of `over` win. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? merge(b, v) : v;
  }
  return out;
}

/** Whether a default applies to a task type: the same type, or a package prefix of it (Kestra). */
function applies(defaultType: string, taskType: string): boolean {
  return defaultType === taskType || taskType.startsWith(`${defaultType}.`);
}

/**
 * Applies `pluginDefaults` (and `taskDefaults`) to every task of the raw
 * flow, nested ones included, as Kestra does: a task's own values win over
 * a default unless the default is `forced`. Changes the tasks in place.
 */
export function applyPluginDefaults(flow: Record<string, unknown>, defaults: readonly PluginDefault[]): void {
  if (!defaults.length) return;
  walkTasks(flow, (task) => {
    const type = typeof task.type === 'string' ? task.type : '';
    let result: Record<string, unknown> = task;
    for (const d of defaults) {
      if (!isRecord(d) || typeof d.type !== 'string' || !isRecord(d.values) || !applies(d.type, type)) continue;
      result = d.forced ? merge(result, d.values) : merge(d.values, result);
    }
    if (result !== task) {
      const { id, type: written } = task;
      for (const k of Object.keys(task)) delete task[k];
      Object.assign(task, { id, type: written }, result, { id, type: written });
    }
  });
}
