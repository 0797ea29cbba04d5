import { randomUUID } from 'node:crypto';
import { type CredentialStore, DEFAULT_TENANT, Masker } from '@credflow/credentials-core';
import { namespaceChain, startExecutionTrace } from '@credflow/credentials-core/internal';
import type { Environment } from 'nunjucks';
import type { Flow } from '../flow/flow.js';
import type { FlowResolver } from '../flow/flow-directory.js';
import { FlowError } from '../flow/flow-errors.js';
import { coerceOutput } from '../flow/output-types.js';
import { subflowTargetIssues } from '../flow/subflow-targets.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { taskTypeMap } from '../tasks/builtin-tasks.js';
import { manualPauseIssues } from '../tasks/flow/pause-task.js';
import { processTaskIssues } from '../tasks/script/process-gate.js';
import {
  type LogLevel,
  type SubflowRequest,
  type SubflowResult,
  TaskError,
  type TaskType,
} from '../tasks/task-type.js';
import type { Execution, LogEntry, TaskRun } from './execution.js';
import { ExecutionStorage } from './execution-storage.js';
import { Executor } from './executor.js';
import { enterFlowSlot } from './flow-concurrency.js';
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
  /** Called when each task run starts (its id, task id, value in a ForEach, parent run). */
  onTaskStart?: (run: TaskRun) => void;
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
  /** Where Subflow tasks find flows (e.g. a {@link FlowDirectory}); absent, a Subflow task fails saying so. */
  flows?: FlowResolver;
  /** Labels of this execution besides the flow's (`--label k=v`). */
  labels?: Record<string, string>;
  /**
   * Kestra's `envs`: environment variables named `ENV_*`, keys lower-cased
   * without the prefix (`ENV_REGION` is `envs.region`). Default: read from
   * `process.env`; never any other variable (`SECRET_*` stay out).
   */
  envs?: Record<string, string>;
  /** The environment of each subflow (its file's syntax); default one made for the store per flow. */
  envOf?: (flow: Flow) => Environment;
  /**
   * Where script tasks' `outputFiles` are kept, at Kestra's storage paths
   * (`kestra:///<namespace>/<flowId>/executions/…` URIs name them). Default: a
   * private temporary directory, removed when the run ends.
   */
  storageDir?: string;
}

/** Subflow executions nested deeper than this fail (a flow calling itself would never end). */
export const MAX_SUBFLOW_DEPTH = 16;

/** What a subflow execution gets from the execution that started it. */
interface SubflowParent {
  id: string;
  trigger: { id: string; type: string; variables: Record<string, unknown> };
  /** Its labels: the parent's (inheritLabels) or its system ones, then the task's. */
  labels: Record<string, string>;
  /** Sensitive values so far, shared: what a subflow derives from one is masked too. */
  sensitive: Set<string>;
  family: Family;
  depth: number;
  /** The ids of the executions waiting for this one: its parent, the parent's parent… */
  ancestors: ReadonlySet<string>;
  /**
   * The task's `outputs` (Kestra's deprecated form), rendered at the subflow
   * execution's end with its context (its tasks' outputs, its variables) but
   * as the parent's templates: in the parent's syntax and the parent's
   * tenant and namespace, so `credential()`/`secret()` there reach only what
   * the parent's author may use (issue 26, review R1).
   */
  taskOutputs?: {
    value: Record<string, unknown>;
    env: Environment;
    flow: Flow;
    scope: { tenantId: string; namespace: string };
  };
}

/** What every execution of one run shares: the subflow executions in the order started, and those not waited for. */
interface Family {
  executions: (Execution | undefined)[];
  pending: Set<Promise<unknown>>;
  /** Files the run's tasks keep (outputFiles), shared: a subflow's file URIs are read by its parent. */
  storage: ExecutionStorage;
}

interface ExecutionResult {
  execution: Execution;
  /** The flow's outputs (or the task's `outputs` for a subflow), not masked. */
  outputs?: Record<string, unknown>;
  outputsError?: string;
}

/**
 * Runs a flow as Kestra does: inputs, then `tasks` (each rendered just
 * before it runs; flowable tasks run their children), `errors` after a
 * failure, `finally` whatever happened, the flow outputs, then
 * `afterExecution` with the final state known. A disabled flow, a Pause
 * that would wait for a manual resume, and with `flows` a Subflow task whose
 * literal namespace and flowId name no flow there, are refused with a
 * {@link FlowError}.
 * Input errors throw {@link InputError} before any task runs. Everything in
 * the result and every log line is masked.
 */
export async function runFlow(flow: Flow, options: RunFlowOptions): Promise<Execution> {
  return (await prepareExecution(flow, options))().then((r) => r.execution);
}

/** Kestra's labels as templates see them: `system.correlationId` is `labels.system.correlationId`. */
function nestedLabels(labels: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(labels)) {
    out[k] = v;
    const parts = k.split('.');
    if (parts.length < 2) continue;
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (!node[part] || typeof node[part] !== 'object') node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1) as string] = v;
  }
  return out;
}

/**
 * Checks a flow and its inputs (throwing before anything runs) and returns
 * the function that runs it.
 */
async function prepareExecution(
  flow: Flow,
  options: RunFlowOptions,
  sub?: SubflowParent,
): Promise<() => Promise<ExecutionResult>> {
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
  const pauses = manualPauseIssues(flow);
  if (pauses.length) throw new FlowError(flow.source.file, pauses);
  if (options.flows) {
    const issues = await subflowTargetIssues(flow, options.flows);
    if (issues.length) throw new FlowError(flow.source.file, issues);
  }
  const inputs = resolveInputs(flow.inputs, options.inputs ?? {});
  return () => execute(flow, options, inputs, sub);
}

async function execute(
  flow: Flow,
  options: RunFlowOptions,
  inputs: Record<string, unknown>,
  sub: SubflowParent | undefined,
): Promise<ExecutionResult> {
  const masker = options.masker ?? new Masker();
  // Every sensitive value of the execution so far: what a template derives from one is masked too.
  const sensitive = sub?.sensitive ?? new Set<string>();
  const addSensitive = (v: string): void => {
    sensitive.add(v);
    masker.add(v);
  };
  /** Whether a rendered value shows a sensitive value (the masker would change it). */
  const holdsSensitive = (v: unknown): boolean => {
    const text = typeof v === 'string' ? v : JSON.stringify(v ?? null);
    return masker.mask(text) !== text;
  };
  /** Registers the text of every string and number inside a value derived from a sensitive one. */
  const addDerivedLeaves = (v: unknown): void => {
    if (typeof v === 'string') addSensitive(v);
    else if (typeof v === 'number' || typeof v === 'bigint') addSensitive(String(v));
    else if (Array.isArray(v)) for (const item of v) addDerivedLeaves(item);
    else if (v && typeof v === 'object') for (const item of Object.values(v)) addDerivedLeaves(item);
  };
  // SECRET inputs, and each item of an ARRAY of SECRET items (issue 26, review R4).
  const addSecretItems = (v: unknown): void => {
    if (typeof v === 'string') addSensitive(v);
    else if (Array.isArray(v)) for (const item of v) addSecretItems(item);
  };
  for (const input of flow.inputs) {
    const itemType = (input as { itemType?: unknown }).itemType;
    if (input.type === 'SECRET' || (input.type === 'ARRAY' && itemType === 'SECRET')) addSecretItems(inputs[input.id]);
  }
  const store = options.store;
  const unsubscribe = store.onSensitiveValue(masker.add);
  const env = sub
    ? (options.envOf?.(flow) ?? createTemplateEnvironment(store, flow.syntax))
    : (options.env ?? createTemplateEnvironment(store, flow.syntax));
  const types = taskTypeMap(options.tasks);
  const tenantId = options.tenantId || DEFAULT_TENANT;
  const started = performance.now();
  const startDate = new Date().toISOString();
  const id = sub?.id ?? randomUUID();
  const family: Family = sub?.family ?? {
    executions: [],
    pending: new Set(),
    storage: new ExecutionStorage(options.storageDir),
  };
  // Kestra's execution labels: the flow's (not system ones), then those given; a correlation id always.
  const ownLabels = Object.fromEntries(Object.entries(flow.labels).filter(([k]) => !k.startsWith('system.')));
  const labels: Record<string, string> = { ...ownLabels, ...(sub ? sub.labels : (options.labels ?? {})) };
  labels['system.correlationId'] ??= id;
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
    flow: { id: flow.id, namespace: flow.namespace, tenantId, revision: flow.revision ?? 1 },
    execution,
    labels: nestedLabels(labels),
    envs: options.envs ?? envsFrom(process.env),
    globals: store.config.globals ?? {},
    ...(sub ? { trigger: sub.trigger.variables } : {}),
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
  const flows = options.flows;
  const runSubflow = flows
    ? async (req: SubflowRequest, task: { id: string; type: string }): Promise<SubflowResult> => {
        const depth = (sub?.depth ?? 0) + 1;
        if (depth > MAX_SUBFLOW_DEPTH) {
          throw new TaskError(`subflows nest deeper than ${MAX_SUBFLOW_DEPTH} executions: does a flow call itself?`);
        }
        const child = await flows.find(req.namespace, req.flowId);
        // The task's own `outputs` read anything of the subflow's execution (its tasks' outputs: a token it
        // minted). Only where this flow could read it anyway: the same namespace or one it inherits from
        // (review of issue 26, N1); elsewhere the subflow declares what it gives in its flow `outputs`.
        if (req.outputs && !child.outputs.length && !namespaceChain(flow.namespace).includes(child.namespace)) {
          throw new TaskError(
            `the task's own outputs may read a subflow of namespace ${flow.namespace} or of a namespace it inherits from; ${child.namespace}.${child.id} is not: give that flow outputs: and read outputs.${task.id}.outputs`,
            { property: 'outputs' },
          );
        }
        const childId = randomUUID();
        const childLabels = req.inheritLabels
          ? { ...labels }
          : Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('system.')));
        Object.assign(childLabels, req.labels);
        let start: () => Promise<ExecutionResult>;
        try {
          start = await prepareExecution(
            child,
            { ...options, inputs: req.inputs, masker },
            {
              id: childId,
              trigger: {
                id: task.id,
                type: task.type,
                variables: {
                  executionId: id,
                  namespace: flow.namespace,
                  flowId: flow.id,
                  ...(flow.revision ? { flowRevision: flow.revision } : {}),
                },
              },
              labels: childLabels,
              sensitive,
              family,
              depth,
              ancestors: new Set([...(sub?.ancestors ?? []), id]),
              ...(req.outputs ? { taskOutputs: { value: req.outputs, env, flow, scope } } : {}),
            },
          );
        } catch (err) {
          throw new TaskError(`subflow ${req.namespace}.${req.flowId}: ${(err as Error).message}`, { cause: err });
        }
        const slot = family.executions.length;
        family.executions.push(undefined);
        const done = start().then((r) => {
          family.executions[slot] = r.execution;
          if (r.execution.sandboxViolation) sandboxViolation = true;
          return r;
        });
        if (!req.wait) {
          const p = done.catch(() => {});
          family.pending.add(p);
          void p.finally(() => family.pending.delete(p));
          return { executionId: childId };
        }
        const r = await done;
        return {
          executionId: childId,
          execution: r.execution,
          ...(r.outputs ? { outputs: r.outputs } : {}),
          ...(r.outputsError !== undefined ? { outputsError: r.outputsError } : {}),
        };
      }
    : undefined;
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
    ...(runSubflow ? { runSubflow } : {}),
    ...(options.onTaskStart ? { onTaskStart: options.onTaskStart } : {}),
    files: (taskId, taskRunId) =>
      family.storage.forTaskRun({ namespace: flow.namespace, flowId: flow.id, executionId: id, taskId, taskRunId }),
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
  // Kestra's flow `concurrency`: over the limit, wait (QUEUE) or end at once with no task run (CANCEL, FAIL).
  const slot = flow.concurrency
    ? await enterFlowSlot(
        `${tenantId}\u0000${flow.namespace}\u0000${flow.id}`,
        flow.concurrency,
        signal,
        (n) => log('flow', undefined, 'INFO', `Flow is queued due to concurrency limit exceeded, ${n} running(s)`),
        { id, ancestors: sub?.ancestors ?? new Set() },
      )
    : undefined;
  const refused = slot && 'refused' in slot ? slot.refused : undefined;
  try {
    if (refused) {
      state = refused === 'CANCEL' ? 'CANCELLED' : refused === 'FAIL' || refused === 'DEADLOCK' ? 'FAILED' : 'KILLED';
      if (refused === 'FAIL') log('flow', undefined, 'ERROR', 'Flow is FAILED due to concurrency limit exceeded');
      if (refused === 'DEADLOCK') {
        log(
          'flow',
          undefined,
          'ERROR',
          `Flow is FAILED: its concurrency limit (${flow.concurrency?.limit}) is reached by executions that wait for this one (it is its own subflow, directly or through others), so queueing would never end`,
        );
      }
    } else {
      state = guessFinalState(await executor.runSequence(flow.tasks, ['tasks']));
      if (signal.aborted) state = 'KILLED';
      // A template that reached past the sandbox is a broken (or hostile) flow: nothing more of it runs.
      if (state === 'FAILED' && !sandboxViolation) await executor.runSequence(flow.errors, ['errors']);
      if (!sandboxViolation && !signal.aborted && flow.finally.length) {
        const after = guessFinalState(await executor.runSequence(flow.finally, ['finally']));
        state = guessFinalState([state, after]);
      }
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
            const coerced = o.type ? coerceOutput(o.type, value) : value;
            // A typed output re-written from a sensitive text (FLOAT `<< secret('PIN') >>e-4`, a JSON
            // document holding one) is sensitive in its new form too (issue 26, review R5).
            if (coerced !== value && holdsSensitive(value)) addDerivedLeaves(coerced);
            flowOutputs[o.id] = coerced;
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
    // A subflow's outputs for its Subflow task: its flow outputs, else the task's own `outputs` (Kestra's
    // deprecated form) rendered here, whatever the state.
    let extracted: Record<string, unknown> | undefined = flow.outputs.length ? flowOutputs : undefined;
    let outputsError: string | undefined;
    const taskOutputs = sub?.taskOutputs;
    if (taskOutputs && !flow.outputs.length && !refused) {
      try {
        const r = await trace.run(() =>
          renderProperties(
            taskOutputs.env,
            taskOutputs.flow,
            taskOutputs.value,
            ['outputs'],
            ctx,
            taskOutputs.scope,
            addSensitive,
            sensitive,
          ),
        );
        extracted = r.value as Record<string, unknown>;
      } catch (err) {
        outputsError = masker.mask((err as Error).message);
      }
    }
    execution.state = state;
    if (!sandboxViolation && !signal.aborted && !refused && flow.afterExecution.length) {
      await executor.runSequence(flow.afterExecution, ['afterExecution']);
    }
    // Subflow executions not waited for end before the run does (credflow run is one process).
    if (!sub) while (family.pending.size) await Promise.all([...family.pending]);
    // Subflows not waited for can use up the run's budget after its own tasks ended: the run failed too.
    if (!sub && executor.budget.exhausted && state !== 'FAILED') {
      state = 'FAILED';
      execution.state = state;
      log('flow', undefined, 'ERROR', executor.budget.error().message);
    }
    const endDate = new Date().toISOString();
    const result: Execution = {
      id,
      flowId: flow.id,
      namespace: flow.namespace,
      tenantId,
      labels,
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
      // Masked again now: a value met later in the run (a subflow's token) masks an earlier execution too.
      subflowExecutions: sub
        ? []
        : family.executions.filter((e): e is Execution => e !== undefined).map((e) => remask(e, masker)),
      ...(sub ? { trigger: sub.trigger } : {}),
      ...(sandboxViolation ? { sandboxViolation: true } : {}),
    };
    return {
      execution: result,
      ...(extracted ? { outputs: extracted } : {}),
      ...(outputsError !== undefined ? { outputsError } : {}),
    };
  } finally {
    // The run is over: a temporary storage goes (its URIs in outputs name nothing any more).
    if (!sub) await family.storage.close().catch(() => {});
    if (slot && 'release' in slot) slot.release();
    trace.end(signal.aborted ? 'FAILED' : state === 'WARNING' ? 'SUCCESS' : state);
    unsubscribe();
  }
}

/** An execution masked with every value the masker knows now. */
function remask(e: Execution, masker: Masker): Execution {
  return {
    ...e,
    taskRuns: e.taskRuns.map((r) => ({
      ...r,
      outputs: masker.maskDeep(r.outputs),
      ...(r.error !== undefined ? { error: masker.mask(r.error) } : {}),
    })),
    outputs: masker.maskDeep(e.outputs),
    logs: e.logs.map((l) => ({ ...l, message: masker.mask(l.message) })),
  };
}

/** Kestra's default prefix for the variables flows read as `envs` (`kestra.variables.env-vars-prefix`). */
const ENV_PREFIX = 'ENV_';

/** `ENV_*` variables of `env`, keys lower-cased without the prefix (Kestra's `envs`). */
export function envsFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(ENV_PREFIX) && name.length > ENV_PREFIX.length && value !== undefined) {
      out[name.slice(ENV_PREFIX.length).toLowerCase()] = value;
    }
  }
  return out;
}
