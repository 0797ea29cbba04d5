import type { ConfigIssue } from '@credflow/credentials-core';
import { formatPath, parseDuration } from '@credflow/credentials-core/internal';
import { z } from 'zod';
import type { Flow, FlowTask } from '../../flow/flow.js';
import { walkTasks } from '../../flow/walk-tasks.js';
import { sleepFor } from '../long-sleep.js';
import { type FlowableTaskType, TaskError } from '../task-type.js';
import { templated } from '../template-values.js';
import { TASKS } from './task-list.js';

/** The Pause task type and its older name. */
export const PAUSE_TYPES: ReadonlySet<string> = new Set([
  'io.kestra.plugin.core.flow.Pause',
  'io.kestra.core.tasks.flows.Pause',
]);

/** What happens once `pauseDuration` has passed (Kestra's `Pause.Behavior`). */
const BEHAVIORS = ['RESUME', 'WARN', 'FAIL', 'CANCEL'] as const;

/** Why a Pause needs a duration under credflow, in the words `validate` and `run` use. */
export const MANUAL_PAUSE_MESSAGE =
  'this Pause waits for a manual resume (it has no delay, pauseDuration or timeout), and credflow run cannot resume a paused execution (no UI or API to do it): give it a delay (e.g. delay: PT5M) to wait and continue';

/** Whether a Pause task as written waits for a manual resume (no duration of any kind). */
export function waitsForManualResume(task: Record<string, unknown>): boolean {
  return task.delay === undefined && task.pauseDuration === undefined && task.timeout === undefined;
}

/** Every Pause of `flow` (nested ones included) that would wait for a manual resume, at its `type` line. */
export function manualPauseIssues(flow: Flow): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walkTasks(flow, (task, path) => {
    if (typeof task.type === 'string' && PAUSE_TYPES.has(task.type) && waitsForManualResume(task)) {
      const at = [...path, 'type'];
      issues.push({ path: formatPath(at), line: flow.source.lineOf(at) ?? 1, message: MANUAL_PAUSE_MESSAGE });
    }
  });
  return issues;
}

function durationOf(value: unknown, property: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseDuration(String(value));
  if (ms === undefined) throw new TaskError('not an ISO-8601 duration (e.g. PT30S)', { property });
  return ms;
}

/**
 * `io.kestra.plugin.core.flow.Pause`, as a one-shot run can keep it: waits,
 * then ends as Kestra does when nobody resumes the execution in between.
 * `delay` (Kestra's `Pause`, PauseTest.runDelay): the execution resumes
 * after it and the deprecated `tasks` run. `timeout` alone (PauseTest.runTimeout):
 * no one resumed it in time, the task FAILS and its `tasks` never run.
 * `pauseDuration` (Kestra's newer name) then `behavior`: RESUME (default) as
 * `delay`, WARN resumes with the task in WARNING, FAIL fails it, CANCEL ends
 * it (and so the execution) KILLED. A Pause with no duration at all waits
 * for a manual resume, which credflow run cannot give: the flow is refused
 * before anything runs (see {@link manualPauseIssues}). Ctrl-C ends the wait.
 */
export const pauseTask: FlowableTaskType = {
  type: 'io.kestra.plugin.core.flow.Pause',
  aliases: ['io.kestra.core.tasks.flows.Pause'],
  fields: (task) => ({
    delay: templated.optional(),
    timeout: templated.optional(),
    pauseDuration: templated.optional(),
    behavior: z.enum(BEHAVIORS, { error: `expected one of ${BEHAVIORS.join(', ')}` }).optional(),
    tasks: z.array(task).optional(),
  }),
  // Pause's own `timeout` (how long it waits for a resume), not the common task timeout.
  shadows: ['timeout'],
  taskLists: TASKS,
  async flow(props, ctx) {
    const delay = durationOf(props.delay, 'delay') ?? durationOf(props.pauseDuration, 'pauseDuration');
    const timeout = durationOf(props.timeout, 'timeout');
    const wait = delay ?? timeout;
    if (wait === undefined) throw new TaskError(MANUAL_PAUSE_MESSAGE);
    // The duration as written (a template's text, masked as any log line), not a number computed from it:
    // `PT<< secret('PIN') >>M` in milliseconds would print a value derived from the secret (issue 26, R5).
    const given = props.delay ?? props.pauseDuration ?? props.timeout;
    ctx.log('INFO', `paused for ${String(given)}`);
    try {
      await sleepFor(wait, ctx.signal);
    } catch {
      return undefined; // cancelled (Ctrl-C): the execution ends KILLED
    }
    const behavior = delay === undefined ? 'FAIL' : props.delay !== undefined ? 'RESUME' : (props.behavior ?? 'RESUME');
    if (behavior === 'FAIL') {
      const what = delay === undefined ? `timeout ${props.timeout}` : `pauseDuration ${props.pauseDuration}`;
      throw new TaskError(`not resumed within its ${what} (credflow run cannot resume a paused execution)`);
    }
    if (behavior === 'CANCEL') {
      ctx.endAs('KILLED');
      return undefined;
    }
    if (behavior === 'WARN') ctx.endAs('WARNING');
    const tasks = (props.tasks ?? []) as FlowTask[];
    if (tasks.length) await ctx.runGroups([{ path: ['tasks'], tasks }], 1);
    return undefined;
  },
};
