/** Flow-level properties that hold task lists. */
export const FLOW_TASK_LISTS = ['tasks', 'errors', 'finally', 'afterExecution'] as const;

/** Properties of a task that may hold task lists (flowable tasks); `cases` holds a mapping of lists. */
const TASK_LISTS = ['tasks', 'then', 'else', 'errors', 'defaults', 'finally'] as const;

type Path = (string | number)[];

const isTask = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && 'type' in v;

/**
 * Visits every task of a flow (as written, before validation), nested ones
 * included (`then`, `else`, `cases`, `tasks`, `errors`…), depth first in the
 * order written, with its YAML path.
 */
export function walkTasks(flow: unknown, visit: (task: Record<string, unknown>, path: Path) => void): void {
  const f = (flow ?? {}) as Record<string, unknown>;
  const list = (items: unknown, path: Path) => {
    if (!Array.isArray(items)) return;
    for (const [i, t] of items.entries()) if (isTask(t)) one(t, [...path, i]);
  };
  const one = (task: Record<string, unknown>, path: Path) => {
    visit(task, path);
    for (const key of TASK_LISTS) list(task[key], [...path, key]);
    const cases = task.cases;
    if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
      for (const [k, v] of Object.entries(cases)) list(v, [...path, 'cases', k]);
    }
  };
  for (const key of FLOW_TASK_LISTS) list(f[key], [key]);
}

/** Every task id of a flow, nested ones included. */
export function allTaskIds(flow: unknown): string[] {
  const ids: string[] = [];
  walkTasks(flow, (t) => {
    if (typeof t.id === 'string') ids.push(t.id);
  });
  return ids;
}
