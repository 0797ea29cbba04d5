import { randomUUID } from 'node:crypto';
import { type CredentialStore, DEFAULT_TENANT, Masker } from '@credflow/credentials-core';
import { startExecutionTrace } from '@credflow/credentials-core/internal';
import type { Environment } from 'nunjucks';
import type { Flow, FlowTask } from '../flow/flow.js';
import { coerceOutput } from '../flow/output-types.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { taskTypeMap } from '../tasks/builtin-tasks.js';
import { taskFailureMessage } from '../tasks/task-failure.js';
import type { LogLevel, TaskType } from '../tasks/task-type.js';
import type { Execution, LogEntry, State, TaskRun } from './execution.js';
import { renderProperties } from './render-properties.js';
import { createTemplateEnvironment } from './template-environment.js';

export interface RunFlowOptions {
  store: CredentialStore;
  /** Tenant the flow runs in; default `main`. */
  tenantId?: string;
  /** Input values: text (as from `--input k=v`) or typed values. */
  inputs?: Record<string, unknown>;
  /** Receives every log line, masked. */
  onLog?: (entry: LogEntry) => void;
  /** Task types; default the built-in ones. */
  tasks?: readonly TaskType[];
  /** Environment to render with; default one made for the store. */
  env?: Environment;
  signal?: AbortSignal;
  /** Masker to use (e.g. to mask the caller's own output too). */
  masker?: Masker;
}

/**
 * Runs a flow: inputs, then each task in order (its properties rendered just
 * before it runs), `errors` tasks after a failure, then the flow outputs.
 * Input errors throw {@link InputError} before any task runs. Everything in
 * the result and every log line is masked.
 */
export async function runFlow(flow: Flow, options: RunFlowOptions): Promise<Execution> {
  const inputs = resolveInputs(flow.inputs, options.inputs ?? {});
  const masker = options.masker ?? new Masker();
  // Every sensitive value of the execution so far: what a template derives from one is masked too.
  const sensitive = new Set<string>();
  const addSensitive = (v: string): void => {
    sensitive.add(v);
    masker.add(v);
  };
  for (const input of flow.inputs) {
    const v = inputs[input.id];
    if (input.type === 'SECRET' && typeof v === 'string') addSensitive(v);
  }
  const store = options.store;
  const unsubscribe = store.onSensitiveValue(masker.add);
  const env = options.env ?? createTemplateEnvironment(store);
  const types = taskTypeMap(options.tasks);
  const tenantId = options.tenantId || DEFAULT_TENANT;
  const started = performance.now();
  const startDate = new Date().toISOString();
  const id = randomUUID();
  const signal = options.signal ?? new AbortController().signal;
  const outputs: Record<string, Record<string, unknown>> = {};
  let sandboxViolation = false;
  // Spans execution -> task -> mint, and the flow, execution and task of each mint in the audit log.
  const trace = startExecutionTrace({ flowId: flow.id, namespace: flow.namespace, tenantId, executionId: id });
  const ctx = {
    inputs,
    vars: flow.variables,
    outputs,
    flow: { id: flow.id, namespace: flow.namespace, tenantId },
    execution: { id, startDate },
  };
  // The execution's scope, fixed here: templates get it from the host, never from the context.
  const scope = { tenantId, namespace: flow.namespace };
  const log = (taskId: string, level: LogLevel, message: string) =>
    options.onLog?.({ time: new Date(), taskId, level, message: masker.mask(message) });

  const runTask = (task: FlowTask, list: 'tasks' | 'errors', index: number): Promise<TaskRun> =>
    trace.task({ taskId: task.id, type: task.type }, () => runTaskUntraced(task, list, index));
  const runTaskUntraced = async (task: FlowTask, list: 'tasks' | 'errors', index: number): Promise<TaskRun> => {
    const type = types.get(task.type) as TaskType;
    const t0 = performance.now();
    const { id: taskId, type: _t, description: _d, ...props } = task;
    const tctx = { taskId, store, scope, signal, log: (level: LogLevel, m: string) => log(taskId, level, m) };
    let attempts = 1;
    let taskOutputs: Record<string, unknown> = {};
    try {
      let rendered = await renderProperties(env, flow, props, [list, index], ctx, scope, addSensitive, sensitive);
      taskOutputs = await type.run(rendered.value as Record<string, unknown>, tctx);
      if (type.unauthorized?.(taskOutputs) && rendered.credentials.length > 0) {
        // The API refused the token (revoked, rotated): drop it, fetch a fresh one, retry once.
        for (const c of rendered.credentials) {
          // Only if the cache still holds the refused token: concurrent 401s cause one new mint.
          store.invalidate(
            c.key,
            { tenantId: c.tenantId, ...(c.namespace ? { namespace: c.namespace } : {}) },
            c.token !== undefined ? { token: c.token } : {},
          );
        }
        log(
          taskId,
          'WARN',
          `HTTP 401 with credential ${rendered.credentials.map((c) => `'${c.key}'`).join(', ')}: retrying once with a fresh token`,
        );
        attempts = 2;
        rendered = await renderProperties(env, flow, props, [list, index], ctx, scope, addSensitive, sensitive);
        taskOutputs = await type.run(rendered.value as Record<string, unknown>, tctx);
      }
      type.check?.(taskOutputs, rendered.value as Record<string, unknown>);
      outputs[taskId] = taskOutputs;
      const durationMs = Math.round(performance.now() - t0);
      return { taskId, type: task.type, state: 'SUCCESS', outputs: masker.maskDeep(taskOutputs), durationMs, attempts };
    } catch (err) {
      if (isSandboxViolation(err)) sandboxViolation = true;
      const message = masker.mask(taskFailureMessage(err, flow, [list, index], props));
      log(taskId, 'ERROR', message);
      const durationMs = Math.round(performance.now() - t0);
      return {
        taskId,
        type: task.type,
        state: 'FAILED',
        outputs: masker.maskDeep(taskOutputs),
        error: message,
        durationMs,
        attempts,
      };
    }
  };

  const taskRuns: TaskRun[] = [];
  let state: State = 'SUCCESS';
  try {
    for (const [i, task] of flow.tasks.entries()) {
      if (signal.aborted) break;
      const run = await runTask(task, 'tasks', i);
      taskRuns.push(run);
      if (run.state === 'FAILED') {
        state = 'FAILED';
        break;
      }
    }
    if (signal.aborted) state = 'FAILED';
    // A template that reached past the sandbox is a broken (or hostile) flow: nothing more of it runs.
    if (state === 'FAILED' && !sandboxViolation) {
      for (const [i, task] of flow.errors.entries()) taskRuns.push(await runTask(task, 'errors', i));
    }
    const flowOutputs: Record<string, unknown> = {};
    if (state === 'SUCCESS') {
      for (const [i, o] of flow.outputs.entries()) {
        try {
          const value = (
            await trace.run(() =>
              renderProperties(env, flow, o.value, ['outputs', i, 'value'], ctx, scope, addSensitive, sensitive),
            )
          ).value;
          try {
            flowOutputs[o.id] = o.type ? coerceOutput(o.type, value) : value;
          } catch (err) {
            const line = flow.source.lineOf(['outputs', i, 'value']);
            throw new Error(
              `outputs[${i}].value (${flow.source.file}${line !== undefined ? ` line ${line}` : ''}): does not fit type ${o.type}: ${(err as Error).message}`,
            );
          }
        } catch (err) {
          state = 'FAILED';
          log('outputs', 'ERROR', masker.mask((err as Error).message));
        }
      }
    }
    return {
      id,
      flowId: flow.id,
      namespace: flow.namespace,
      tenantId,
      state,
      taskRuns,
      outputs: state === 'SUCCESS' ? masker.maskDeep(flowOutputs) : {},
      startDate,
      durationMs: Math.round(performance.now() - started),
      ...(sandboxViolation ? { sandboxViolation: true } : {}),
    };
  } finally {
    trace.end(signal.aborted ? 'FAILED' : state);
    unsubscribe();
  }
}

/** Whether a task failed because a template reached past the sandbox (`ERR_TEMPLATE_FORBIDDEN` in its causes). */
function isSandboxViolation(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'ERR_TEMPLATE_FORBIDDEN') return true;
  }
  return false;
}
