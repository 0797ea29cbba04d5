import { randomUUID } from 'node:crypto';
import { type CredentialStore, DEFAULT_TENANT, Masker } from '@credflow/credentials-core';
import { startExecutionTrace } from '@credflow/credentials-core/internal';
import type { Environment } from 'nunjucks';
import type { Flow } from '../flow/flow.js';
import { FlowError } from '../flow/flow-errors.js';
import { coerceOutput } from '../flow/output-types.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { taskTypeMap } from '../tasks/builtin-tasks.js';
import { processTaskIssues } from '../tasks/script/process-gate.js';
import type { LogLevel, TaskType } from '../tasks/task-type.js';
import type { Execution, LogEntry } from './execution.js';
import { Executor } from './executor.js';
import { renderProperties } from './render-properties.js';
import { guessFinalState, type State } from './state.js';
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
  /**
   * Whether script tasks may run local processes; default: the store's
   * `tasks.process.enabled` (credflow.yaml). When not, a flow holding one is
   * refused with a {@link FlowError} before anything runs.
   */
  processTasks?: boolean;
}

/**
 * Runs a flow as Kestra does: inputs, then `tasks` (each rendered just
 * before it runs; flowable tasks run their children), `errors` after a
 * failure, `finally` whatever happened, the flow outputs, then
 * `afterExecution` with the final state known. A disabled flow is refused
 * with a {@link FlowError}.
 * Input errors throw {@link InputError} before any task runs. Everything in
 * the result and every log line is masked.
 */
export async function runFlow(flow: Flow, options: RunFlowOptions): Promise<Execution> {
  if (flow.disabled) {
    throw new FlowError(flow.source.file, [
      {
        path: 'disabled',
        line: flow.source.lineOf(['disabled']) ?? 1,
        message: 'the flow is disabled: it does not run',
      },
    ]);
  }
  if (!(options.processTasks ?? options.store.config.tasks?.process.enabled === true)) {
    const issues = processTaskIssues(flow, options.store.config.file);
    if (issues.length) throw new FlowError(flow.source.file, issues);
  }
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
  const env = options.env ?? createTemplateEnvironment(store, flow.syntax);
  const types = taskTypeMap(options.tasks);
  const tenantId = options.tenantId || DEFAULT_TENANT;
  const started = performance.now();
  const startDate = new Date().toISOString();
  const id = randomUUID();
  const signal = options.signal ?? new AbortController().signal;
  const outputs: Record<string, unknown> = {};
  const logs: LogEntry[] = [];
  let sandboxViolation = false;
  // Spans execution -> task -> mint, and the flow, execution and task of each mint in the audit log.
  const trace = startExecutionTrace({ flowId: flow.id, namespace: flow.namespace, tenantId, executionId: id });
  const execution: Record<string, unknown> = { id, startDate };
  const ctx = {
    inputs,
    vars: flow.variables,
    outputs,
    flow: { id: flow.id, namespace: flow.namespace, tenantId, ...(flow.revision ? { revision: flow.revision } : {}) },
    execution,
    labels: flow.labels,
  };
  // The execution's scope, fixed here: templates get it from the host, never from the context.
  const scope = { tenantId, namespace: flow.namespace };
  const log = (taskId: string, taskRunId: string | undefined, level: LogLevel, message: string) => {
    const entry: LogEntry = {
      time: new Date(),
      taskId,
      ...(taskRunId ? { taskRunId } : {}),
      level,
      message: masker.mask(message),
    };
    logs.push(entry);
    options.onLog?.(entry);
  };
  const executor = new Executor({
    flow,
    env,
    store,
    scope,
    types,
    signal,
    context: ctx,
    outputs,
    sensitive,
    addSensitive,
    mask: (t) => masker.mask(t),
    log,
    traced: (task, fn) => trace.task(task, fn),
    onSandboxViolation: () => {
      sandboxViolation = true;
    },
  });
  if (flow.triggers.length) {
    log(
      'flow',
      undefined,
      'INFO',
      `triggers are not run by credflow run: ${flow.triggers.map((t) => `'${t.id}'`).join(', ')} ignored`,
    );
  }

  let state: State = 'SUCCESS';
  try {
    state = guessFinalState(await executor.runSequence(flow.tasks, ['tasks']));
    if (signal.aborted) state = 'KILLED';
    // A template that reached past the sandbox is a broken (or hostile) flow: nothing more of it runs.
    if (state === 'FAILED' && !sandboxViolation) await executor.runSequence(flow.errors, ['errors']);
    if (!sandboxViolation && !signal.aborted && flow.finally.length) {
      const after = guessFinalState(await executor.runSequence(flow.finally, ['finally']));
      state = guessFinalState([state, after]);
    }
    const flowOutputs: Record<string, unknown> = {};
    if (state === 'SUCCESS' || state === 'WARNING') {
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
          log('outputs', undefined, 'ERROR', masker.mask((err as Error).message));
        }
      }
    }
    execution.state = state;
    if (!sandboxViolation && !signal.aborted && flow.afterExecution.length) {
      await executor.runSequence(flow.afterExecution, ['afterExecution']);
    }
    const endDate = new Date().toISOString();
    return {
      id,
      flowId: flow.id,
      namespace: flow.namespace,
      tenantId,
      labels: flow.labels,
      state,
      // Masked now, with every sensitive value the execution met (a later token masks an earlier output too).
      taskRuns: executor.nodes.map(({ run, outputs: o, lastOutputs }) => ({
        ...run,
        outputs: masker.maskDeep(o ?? lastOutputs ?? {}),
        ...(run.error !== undefined ? { error: masker.mask(run.error) } : {}),
      })),
      outputs: state === 'SUCCESS' || state === 'WARNING' ? masker.maskDeep(flowOutputs) : {},
      logs,
      startDate,
      endDate,
      durationMs: Math.round(performance.now() - started),
      ...(sandboxViolation ? { sandboxViolation: true } : {}),
    };
  } finally {
    trace.end(signal.aborted ? 'FAILED' : state === 'WARNING' ? 'SUCCESS' : state);
    unsubscribe();
  }
}
