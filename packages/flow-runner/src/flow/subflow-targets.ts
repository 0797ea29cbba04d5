import type { ConfigIssue } from '@credflow/credentials-core';
import { formatPath } from '@credflow/credentials-core/internal';
import { HAS_TEMPLATE } from '../execution/template-environment.js';
import type { Flow } from './flow.js';
import type { FlowResolver } from './flow-directory.js';
import { walkTasks } from './walk-tasks.js';

/** The Subflow task type and its older names. */
export const SUBFLOW_TYPES: ReadonlySet<string> = new Set([
  'io.kestra.plugin.core.flow.Subflow',
  'io.kestra.core.tasks.flows.Subflow',
  'io.kestra.core.tasks.flows.Flow',
]);

// The flows directory of the config each flow was checked for (`flowTemplateChecker`), kept with the flow
// itself: a caller may wrap the check in its own function, and `loadFlow` still finds it.
const checkedAgainst = new WeakMap<object, FlowResolver>();

/** Records that `flow` is checked for a config whose `flows.dir` is `flows`. */
export function checkSubflowsAgainst(flow: object, flows: FlowResolver): void {
  checkedAgainst.set(flow, flows);
}

/** The flows directory `flow` was checked for, if any. */
export function flowsDirectoryOfCheck(flow: object): FlowResolver | undefined {
  return checkedAgainst.get(flow);
}

/**
 * The Subflow tasks of `flow` (nested ones included) whose `namespace` and
 * `flowId` are plain text and name no single flow of `flows`, each reported
 * at its `flowId` with the resolver's reason ("did you mean" included). A
 * target written as a template is known only when the task runs: it is
 * left to the run. Kestra itself checks subflows only when they start; this
 * is credflow's check before anything runs.
 */
export async function subflowTargetIssues(flow: Flow, flows: FlowResolver): Promise<ConfigIssue[]> {
  if (!flows.problem) return [];
  const targets: { path: (string | number)[]; namespace: string; flowId: string }[] = [];
  walkTasks(flow, (task, path) => {
    if (typeof task.type !== 'string' || !SUBFLOW_TYPES.has(task.type)) return;
    const { namespace, flowId } = task;
    if (typeof namespace !== 'string' || typeof flowId !== 'string') return;
    if (HAS_TEMPLATE.test(namespace) || HAS_TEMPLATE.test(flowId)) return;
    targets.push({ path: [...path, 'flowId'], namespace, flowId });
  });
  const issues: ConfigIssue[] = [];
  for (const t of targets) {
    const problem = await flows.problem(t.namespace, t.flowId);
    if (problem !== undefined) {
      issues.push({ path: formatPath(t.path), line: flow.source.lineOf(t.path) ?? 1, message: problem });
    }
  }
  return issues;
}
