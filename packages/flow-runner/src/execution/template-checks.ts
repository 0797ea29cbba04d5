import { didYouMean, formatPath } from '@credflow/credentials-core/internal';
import { analyzeTemplate, kestraUnsupported } from '@credflow/template-extension';
import type nunjucks from 'nunjucks';
import { FlowDirectory } from '../flow/flow-directory.js';
import { checkSubflowsAgainst, SUBFLOW_TYPES } from '../flow/subflow-targets.js';
import { allTaskIds } from '../flow/walk-tasks.js';
import { MANUAL_PAUSE_MESSAGE, PAUSE_TYPES, waitsForManualResume } from '../tasks/flow/pause-task.js';
import { processTasksDisabledMessage } from '../tasks/script/process-gate.js';
import { SCRIPT_TASK_TYPES } from '../tasks/script/shell-tasks.js';
import { hasTemplate } from './template-environment.js';

/** What a flow's templates may name, for the checks made before anything runs. */
export interface TemplateContext {
  /** Declared input ids. */
  inputs: readonly string[];
  /** Keys of `variables`. */
  variables: readonly string[];
  /** Ids of the flow's tasks, nested ones and `errors`/`finally`/`afterExecution` included. */
  taskIds: readonly string[];
  /** Credential keys the flow's scope sees; `undefined` skips the check. */
  credentials?: readonly string[];
  /** Describes the scope in messages, e.g. `tenant 'main', namespace 'company.team'`. */
  scopeLabel?: string;
}

/** Variables every flow render has (see `run-flow.ts`). */
export const CONTEXT_ROOTS = [
  'inputs',
  'vars',
  'outputs',
  'flow',
  'execution',
  'labels',
  'task',
  'taskrun',
  'parents',
  // a subflow execution's: the Subflow task and execution that started it
  'trigger',
  // ENV_* environment variables, and `globals:` of credflow.yaml
  'envs',
  'globals',
] as const;

// `{{ name…` or `{% tag` in text rendered with credflow's `<< >>`, and the reverse.
const PEBBLE_LIKE =
  /\{\{-?\s*[A-Za-z_][\w.]*\s*(?:\(|\||\.|\[|-?\}\}|\?\?)|\{%-?\s*(?:if|for|set|endif|endfor|else|elseif|raw|macro)\b/;
const CREDFLOW_LIKE =
  /<<-?\s*[A-Za-z_][\w.]*\s*(?:\(|\||\.|\[|-?>>|\?\?)|<%-?\s*(?:if|for|set|endif|endfor|else|elif|raw|macro)\b/;

/**
 * Every problem with one template string of a flow, found without running
 * it: the other syntax written by mistake, syntax errors and sandbox
 * refusals, unknown functions, filters, tests and variables, references to
 * undeclared inputs, variables or task outputs, and credential keys the
 * flow's scope does not see, each with a "did you mean" suggestion where one
 * is close.
 */
export function templateProblems(
  env: nunjucks.Environment,
  src: string,
  context: TemplateContext,
  /** The name the render gives this string: the compiled template is then shared with the run. */
  name?: string,
): string[] {
  const pebble = !(env as unknown as { opts: { tags?: unknown } }).opts.tags;
  if (!pebble && PEBBLE_LIKE.test(src)) {
    return [
      "this looks like a Pebble expression ({{ … }} or {% … %}) in a flow rendered with credflow's << >> (its other templates, or `templates: { syntax: credflow }` in credflow.yaml): write << … >> and <% … %>, or write the whole file in Pebble's syntax",
    ];
  }
  if (pebble && CREDFLOW_LIKE.test(src)) {
    return [
      'this looks like a credflow expression (<< … >> or <% … %>), but credflow.yaml sets `templates: { syntax: pebble }`: write {{ … }} and {% … %}, or remove the setting (each flow file then uses its own syntax)',
    ];
  }
  if (!hasTemplate(env, src)) return [];
  const analysis = analyzeTemplate(env, src, name);
  if (analysis.error) {
    const e = analysis.error;
    return [`template error${e.line !== undefined ? ` (template line ${e.line})` : ''}: ${e.reason}`];
  }
  const problems: string[] = [];
  const at = (line: number) => `template line ${line}`;
  const { globals, filters, tests } = env as unknown as {
    globals: Record<string, unknown>;
    filters: Record<string, unknown>;
    tests: Record<string, unknown>;
  };
  const functionNames = Object.keys(globals).filter((k) => typeof globals[k] === 'function');
  for (const call of analysis.calls) {
    if (call.name === 'credential') {
      if (call.key !== undefined && context.credentials && !context.credentials.includes(call.key)) {
        problems.push(
          `${at(call.line)}: credential '${call.key}' is not defined for this flow${context.scopeLabel ? ` (${context.scopeLabel})` : ''}${didYouMean(call.key, context.credentials)}`,
        );
      }
    } else if (call.name !== 'secret' && !functionNames.includes(call.name)) {
      problems.push(
        `${at(call.line)}: ${kestraUnsupported('function', call.name) ?? `unknown function '${call.name}()'${didYouMean(call.name, functionNames)}`}`,
      );
    }
  }
  const filterNames = Object.keys(filters).filter((f) => !f.startsWith('__credflow'));
  for (const f of analysis.filters) {
    if (!Object.hasOwn(filters, f.name)) {
      problems.push(
        `${at(f.line)}: ${kestraUnsupported('filter', f.name) ?? `unknown filter '${f.name}'${didYouMean(f.name, filterNames)}`}`,
      );
    }
  }
  for (const t of analysis.tests) {
    if (!Object.hasOwn(tests, t.name)) {
      problems.push(
        `${at(t.line)}: ${kestraUnsupported('test', t.name) ?? `unknown test '${t.name}'${didYouMean(t.name, Object.keys(tests))}`}`,
      );
    }
  }
  const roots = [...CONTEXT_ROOTS, ...Object.keys(globals)];
  const seen = new Set<string>();
  for (const ref of analysis.references) {
    if (ref.optional) continue;
    const [root, name] = ref.path as [string, string | undefined];
    let problem: string | undefined;
    // `parent` exists only inside a flowable task: optional by nature.
    if (root === 'parent') continue;
    if (!roots.includes(root)) problem = `unknown variable '${root}'${didYouMean(root, roots)}`;
    else if (name !== undefined && root === 'inputs' && !context.inputs.includes(name))
      problem = `'inputs.${name}' is not a declared input${didYouMean(name, context.inputs)}`;
    else if (name !== undefined && root === 'vars' && !context.variables.includes(name))
      problem = `'vars.${name}' is not one of the flow's variables${didYouMean(name, context.variables)}`;
    else if (name !== undefined && root === 'outputs' && !context.taskIds.includes(name))
      problem = `'outputs.${name}' names no task of this flow${didYouMean(name, context.taskIds)}`;
    if (problem && !seen.has(problem)) {
      seen.add(problem);
      problems.push(`${at(ref.line)}: ${problem} (use | default(...) or ?? for optional values)`);
    }
  }
  return problems;
}

/**
 * The `checkTemplate` of `loadFlow` for flows run with `store` in `tenantId`:
 * each string is checked against the flow (inputs, variables, task ids) and
 * the credentials its namespace sees in that tenant.
 */
export function flowTemplateChecker(
  /** The environment, or the environment of each flow (its file's syntax, see `templateEnvironments`). */
  envOf: nunjucks.Environment | ((flow: FlowShape) => nunjucks.Environment),
  store: {
    list(scope: { tenantId?: string; namespace?: string }): { key: string }[];
    /**
     * Its credflow.yaml: script tasks are refused unless `tasks.process.enabled`;
     * with `flows.dir`, `loadFlow` checks the literal Subflow targets of each
     * flow this checks against that directory.
     */
    config?: { file?: string; tasks?: { process?: { enabled?: boolean } }; flows?: { dir: string } };
  },
  tenantId: string,
  /** Check credential keys (not when there is no credflow.yaml: nothing would be found). */
  checkCredentials = true,
): (src: string, flow: FlowShape, path?: readonly (string | number)[]) => string[] {
  const contexts = new WeakMap<FlowShape, TemplateContext>();
  const processTasks = store.config?.tasks?.process?.enabled === true;
  const dir = store.config?.flows?.dir;
  const flows = dir ? new FlowDirectory(dir) : undefined;
  return (src, flow, path) => {
    if (flows) checkSubflowsAgainst(flow, flows);
    if (!processTasks && path?.at(-1) === 'type' && SCRIPT_TASK_TYPES.has(src)) {
      return [processTasksDisabledMessage(src, store.config?.file)];
    }
    if (path?.at(-1) === 'type' && PAUSE_TYPES.has(src)) {
      const task = valueAt(flow, path.slice(0, -1));
      if (task && typeof task === 'object' && waitsForManualResume(task as Record<string, unknown>)) {
        return [MANUAL_PAUSE_MESSAGE];
      }
    }
    // A Subflow task's `outputs` are rendered in the subflow execution: they name its tasks, not this flow's.
    if (path && isSubflowOutputs(flow, path)) return [];
    let context = contexts.get(flow);
    if (!context) {
      const scope = { tenantId, namespace: flow.namespace };
      context = {
        inputs: flow.inputs.map((i) => i.id),
        variables: Object.keys(flow.variables),
        taskIds: allTaskIds(flow),
        ...(checkCredentials ? { credentials: [...new Set(store.list(scope).map((c) => c.key))] } : {}),
        scopeLabel: `tenant '${tenantId}', namespace '${flow.namespace}'`,
      };
      contexts.set(flow, context);
    }
    // The name render-properties gives the same string, so the run reuses what the check compiled.
    return templateProblems(
      typeof envOf === 'function' ? envOf(flow) : envOf,
      src,
      context,
      path && flow.source ? `${flow.source.file}#${formatPath([...path])}` : undefined,
    );
  };
}

/** The parts of a flow the checks read. */
interface FlowShape {
  syntax?: 'credflow' | 'pebble';
  namespace: string;
  source?: { file: string };
  inputs: readonly { id: string }[];
  variables: Record<string, unknown>;
  tasks: readonly { id: string }[];
  errors: readonly { id: string }[];
}

/** The value at `path` in `flow`, if any. */
function valueAt(flow: FlowShape, path: readonly (string | number)[]): unknown {
  let node: unknown = flow;
  for (const k of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[k];
  }
  return node;
}

/** Whether `path` is inside the `outputs` of a Subflow task. */
function isSubflowOutputs(flow: FlowShape, path: readonly (string | number)[]): boolean {
  const at = path.indexOf('outputs');
  if (at < 2) return false;
  const type = (valueAt(flow, path.slice(0, at)) as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && SUBFLOW_TYPES.has(type);
}
