import type { ConfigIssue } from '@credflow/credentials-core';
import { formatPath, issuesFromZod, locate, readYaml, readYamlFile } from '@credflow/credentials-core/internal';
import { builtinTasks } from '../tasks/builtin-tasks.js';
import type { TaskType } from '../tasks/task-type.js';
import type { Flow, FlowTask } from './flow.js';
import { FlowError, FlowNotFoundError } from './flow-errors.js';
import { buildFlowSchema, duplicateIds } from './flow-schema.js';

export interface LoadFlowOptions {
  tasks?: readonly TaskType[];
  /** Checks every string of the flow (templates, and text that looks like one) and returns its problems. */
  checkTemplate?: (src: string, flow: Flow, path: readonly (string | number)[]) => string[];
}

/** Reads and validates a flow file; errors name the file, the path and the line. */
export async function loadFlow(file: string, options: LoadFlowOptions = {}): Promise<Flow> {
  const text = await readYamlFile(file, 'flow', FlowNotFoundError);
  return parseFlow(text, file, options);
}

/** Validates flow YAML text. */
export function parseFlow(text: string, file = '<flow>', options: LoadFlowOptions = {}): Flow {
  const { doc, lineCounter, data } = readYaml(text, file, FlowError);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new FlowError(file, [{ path: '', line: 1, message: 'a flow is a mapping with id, namespace and tasks' }]);
  }
  const schema = buildFlowSchema(options.tasks ?? builtinTasks);
  const parsed = schema.safeParse(data, { reportInput: true });
  const duplicates = duplicateIds(data).map((d) => ({
    path: formatPath(d.path),
    line: locate(doc, d.path, lineCounter),
    message: d.message,
  }));
  if (!parsed.success || duplicates.length) {
    const found = parsed.success ? [] : issuesFromZod(parsed.error.issues, doc, lineCounter, schema);
    throw new FlowError(file, [...found, ...duplicates]);
  }
  const f = parsed.data;
  const flow: Flow = {
    id: f.id,
    namespace: f.namespace,
    ...(f.description ? { description: f.description } : {}),
    inputs: f.inputs ?? [],
    variables: f.variables ?? {},
    tasks: f.tasks as FlowTask[],
    errors: (f.errors ?? []) as FlowTask[],
    outputs: (f.outputs ?? []).map((o) => ({ id: o.id, value: o.value, ...(o.type ? { type: o.type } : {}) })),
    source: { file, lineOf: (path) => locate(doc, path, lineCounter) },
  };
  if (options.checkTemplate) {
    const issues: ConfigIssue[] = [];
    const visit = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string') {
        for (const problem of options.checkTemplate?.(value, flow, path) ?? []) {
          issues.push({ path: formatPath(path), line: locate(doc, path, lineCounter), message: problem });
        }
      } else if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) visit(v, [...path, i]);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      }
    };
    for (const [i, t] of flow.tasks.entries()) visit(t, ['tasks', i]);
    for (const [i, t] of flow.errors.entries()) visit(t, ['errors', i]);
    for (const [i, o] of flow.outputs.entries()) visit(o.value, ['outputs', i, 'value']);
    if (issues.length) throw new FlowError(file, issues);
  }
  return flow;
}
