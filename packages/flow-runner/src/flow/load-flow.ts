import type { ConfigIssue } from '@credflow/credentials-core';
import {
  didYouMean,
  formatPath,
  issuesFromZod,
  locate,
  readYaml,
  readYamlFile,
} from '@credflow/credentials-core/internal';
import { builtinTasks } from '../tasks/builtin-tasks.js';
import type { TaskType } from '../tasks/task-type.js';
import type { Flow, FlowTask } from './flow.js';
import type { FlowResolver } from './flow-directory.js';
import { FlowError, FlowNotFoundError } from './flow-errors.js';
import { flowFileSizeIssue, TemplateCounter } from './flow-limits.js';
import { buildFlowSchema, duplicateIds } from './flow-schema.js';
import { detectFlowSyntax } from './flow-syntax.js';
import { applyPluginDefaults, type PluginDefault } from './plugin-defaults.js';
import { flowsDirectoryOfCheck, subflowTargetIssues } from './subflow-targets.js';
import { FLOW_TASK_LISTS } from './walk-tasks.js';

export interface LoadFlowOptions {
  tasks?: readonly TaskType[];
  /** The template syntax `templates.syntax` of credflow.yaml forces; absent, the file's own is detected. */
  syntax?: 'credflow' | 'pebble';
  /** Checks every string of the flow (templates, and text that looks like one) and returns its problems. */
  checkTemplate?: (src: string, flow: Flow, path: readonly (string | number)[]) => string[];
  /**
   * Where Subflow tasks find flows: `loadFlow` refuses a Subflow task whose
   * literal namespace and flowId name no flow there. Default: the `flows.dir`
   * of the config `checkTemplate` was made for (see `flowTemplateChecker`).
   */
  flows?: FlowResolver;
}

/**
 * Reads and validates a flow file (with `flows`, its literal subflow targets
 * too); errors name the file, the path and the line.
 */
export async function loadFlow(file: string, options: LoadFlowOptions = {}): Promise<Flow> {
  const text = await readYamlFile(file, 'flow', FlowNotFoundError, (bytes) => {
    const tooLarge = flowFileSizeIssue(bytes);
    return tooLarge && new FlowError(file, [tooLarge]);
  });
  const flow = parseFlow(text, file, options);
  const flows = options.flows ?? flowsDirectoryOfCheck(flow);
  if (flows) {
    const issues = await subflowTargetIssues(flow, flows);
    if (issues.length) throw new FlowError(file, issues);
  }
  return flow;
}

/** Validates flow YAML text. */
export function parseFlow(text: string, file = '<flow>', options: LoadFlowOptions = {}): Flow {
  const { doc, lineCounter, data } = readYaml(text, file, FlowError);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new FlowError(file, [{ path: '', line: 1, message: 'a flow is a mapping with id, namespace and tasks' }]);
  }
  const schema = buildFlowSchema(options.tasks ?? builtinTasks);
  const raw = data as Record<string, unknown>;
  const defaults = [raw.pluginDefaults, raw.taskDefaults].flatMap((d) => (Array.isArray(d) ? d : []));
  // Defaults are part of the tasks before they are checked (a default may supply a required property).
  const withDefaults = defaults.length ? structuredClone(raw) : raw;
  applyPluginDefaults(withDefaults, defaults as PluginDefault[]);
  const parsed = schema.safeParse(withDefaults, { reportInput: true });
  const duplicates = [...duplicateIds(data), ...misspeltDefaults(raw, options.tasks ?? builtinTasks)].map((d) => ({
    path: formatPath(d.path),
    line: locate(doc, d.path, lineCounter),
    message: d.message,
  }));
  if (!parsed.success || duplicates.length) {
    const found = parsed.success ? [] : issuesFromZod(parsed.error.issues, doc, lineCounter, schema);
    throw new FlowError(file, [...found, ...duplicates]);
  }
  const f = parsed.data;
  const labels = Array.isArray(f.labels)
    ? Object.fromEntries(f.labels.map((l) => [l.key, String(l.value)]))
    : Object.fromEntries(Object.entries(f.labels ?? {}).map(([k, v]) => [k, String(v)]));
  const flow: Flow = {
    id: f.id,
    namespace: f.namespace,
    ...(f.description ? { description: f.description } : {}),
    ...(f.revision !== undefined ? { revision: f.revision } : {}),
    labels,
    inputs: f.inputs ?? [],
    variables: f.variables ?? {},
    tasks: f.tasks as FlowTask[],
    errors: (f.errors ?? []) as FlowTask[],
    finally: (f.finally ?? []) as FlowTask[],
    afterExecution: (f.afterExecution ?? []) as FlowTask[],
    triggers: (f.triggers ?? []).map((t) => ({ id: t.id, type: t.type })),
    disabled: f.disabled === true,
    ...(f.concurrency ? { concurrency: f.concurrency } : {}),
    ...(f.retry ? { retry: f.retry } : {}),
    outputs: (f.outputs ?? []).map((o) => ({ id: o.id, value: o.value, ...(o.type ? { type: o.type } : {}) })),
    source: { file, lineOf: (path) => locate(doc, path, lineCounter) },
  };
  // A syntax forced by credflow.yaml applies as is; else the file's own.
  const syntax = options.syntax ?? detectFlowSyntax(data, (path) => locate(doc, path, lineCounter), file);
  if (syntax) flow.syntax = syntax;
  if (options.checkTemplate) {
    const issues: ConfigIssue[] = [];
    // Bounded (flow-limits.ts): checking compiles each template.
    const counter = new TemplateCounter();
    const visit = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string') {
        const over = counter.add(value);
        if (over)
          throw new FlowError(file, [{ path: formatPath(path), line: locate(doc, path, lineCounter), message: over }]);
        for (const problem of options.checkTemplate?.(value, flow, path) ?? []) {
          issues.push({ path: formatPath(path), line: locate(doc, path, lineCounter), message: problem });
        }
      } else if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) visit(v, [...path, i]);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      }
    };
    for (const list of FLOW_TASK_LISTS) for (const [i, t] of flow[list].entries()) visit(t, [list, i]);
    for (const [i, o] of flow.outputs.entries()) visit(o.value, ['outputs', i, 'value']);
    if (issues.length) throw new FlowError(file, issues);
  }
  return flow;
}

/**
 * `pluginDefaults`/`taskDefaults` entries whose `type` is a near miss of a
 * task type credflow runs (`io.kestra.plugin.core.log.Logg`): such a default
 * would silently apply to nothing. A type that is, or is a package prefix
 * of, a known task type is fine, and so is any other plugin's type (a Kestra
 * flow may carry defaults for plugins credflow does not run).
 */
function misspeltDefaults(
  raw: Record<string, unknown>,
  tasks: readonly TaskType[],
): { path: (string | number)[]; message: string }[] {
  const known = tasks.flatMap((t) => [t.type, ...(t.aliases ?? [])]);
  const found: { path: (string | number)[]; message: string }[] = [];
  for (const key of ['pluginDefaults', 'taskDefaults'] as const) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    for (const [i, d] of list.entries()) {
      const type = (d as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || known.some((k) => k === type || k.startsWith(`${type}.`))) continue;
      const hint = didYouMean(type, known);
      if (hint) found.push({ path: [key, i, 'type'], message: `no task type '${type}' applies this default${hint}` });
    }
  }
  return found;
}
