import { type CredentialStore, CredflowError, type Scope } from '@credflow/credentials-core';
import type { z } from 'zod';
import type { Execution } from '../execution/execution.js';
import type { TaskFiles } from '../execution/execution-storage.js';
import type { FlowTask } from '../flow/flow.js';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What a running task may use. */
export interface TaskContext {
  taskId: string;
  /** The id of this task run. */
  taskRunId?: string;
  log(level: LogLevel, message: string): void;
  store: CredentialStore;
  /** The execution's scope (tenant, namespace), for a task that looks a credential up (Request's `auth.mtls`). */
  scope?: Scope;
  /** Aborted when the execution is cancelled. */
  signal: AbortSignal;
  /** Runs another flow as a subflow execution of this one (absent: no flows directory is set). */
  runSubflow?(request: SubflowRequest): Promise<SubflowResult>;
  /** The run's storage for this task run's files (a script's `outputFiles`, `kestra://` URIs). */
  files?: TaskFiles;
}

/** What a Subflow task asks for (its properties rendered, except `outputs`). */
export interface SubflowRequest {
  namespace: string;
  flowId: string;
  inputs: Record<string, unknown>;
  /** The task's `labels`, rendered. */
  labels: Record<string, string>;
  /** Pass all of this execution's labels on (else only its `system.*` ones, as Kestra). */
  inheritLabels: boolean;
  /** Wait for the subflow execution to end (else it runs alongside). */
  wait: boolean;
  /** Kestra's deprecated task `outputs`: rendered in the subflow execution once it ends, when its flow has none. */
  outputs?: Record<string, unknown>;
}

/** A subflow execution as its Subflow task sees it. */
export interface SubflowResult {
  executionId: string;
  /** The ended execution (masked), when waited for. */
  execution?: Execution;
  /** Its outputs (the flow's, else the task's `outputs` rendered in it), not masked: the task's outputs. */
  outputs?: Record<string, unknown>;
  /** Why `outputs` could not be rendered. */
  outputsError?: string;
}

/**
 * A task failure with a message meant for the user. A problem with one
 * property names it (`property`, e.g. `uri` or `options.timeout`) and says
 * what is wrong, never quoting the rendered value: a value cut short or
 * quoted from a template can hold part of a secret no masker recognises.
 */
export class TaskError extends CredflowError {
  readonly code = 'ERR_TASK_FAILED';
  /** The property at fault, as a dotted path below the task, when there is one. */
  readonly property: string | undefined;
  /** What is wrong, without the property name. */
  readonly reason: string;
  /** Outputs the failed task still produced (Kestra: a script's `exitCode` and `vars`). */
  readonly outputs: Record<string, unknown> | undefined;

  constructor(message: string, options?: { cause?: unknown; property?: string; outputs?: Record<string, unknown> }) {
    super(options?.property ? `${options.property}: ${message}` : message, { cause: options?.cause });
    this.property = options?.property;
    this.reason = message;
    this.outputs = options?.outputs;
  }
}

/** Tasks a flowable task runs as one group: one after the other, stopping at the first failure. */
export interface ChildGroup {
  /** Where the tasks are in the flow, e.g. `['tasks', 0, 'then']`. */
  path: (string | number)[];
  tasks: readonly FlowTask[];
  /** Index of the first of `tasks` in the list at `path` (default 0). */
  start?: number;
  /** The ForEach value the group's task runs are for. */
  value?: string;
}

/** What a flowable task (If, ForEach, Parallel…) may use besides {@link TaskContext}. */
export interface FlowableContext extends TaskContext {
  /**
   * Runs groups of child tasks, at most `concurrency` groups at once (0: all
   * at once); after a failure no new group starts. The flowable's state is
   * then computed from its children's states, as Kestra does.
   */
  runGroups(groups: readonly ChildGroup[], concurrency: number): Promise<void>;
  /** Sets this task run's outputs now (visible to its children as `parent.outputs`). */
  setOutputs(outputs: Record<string, unknown>): void;
  /** Ends this task run in `state` at least (its children's states still count): Pause's WARN and CANCEL. */
  endAs(state: 'WARNING' | 'KILLED'): void;
}

/** What every task type has. `fields` validates the task as written (values may still be templates). */
interface TaskTypeBase {
  /** Kestra type name, e.g. `io.kestra.plugin.core.log.Log`. */
  readonly type: string;
  /** Other names accepted for the type (older Kestra names). */
  readonly aliases?: readonly string[];
  /** Properties passed to the task as written, not rendered before it runs (Subflow's `outputs`). */
  readonly rawProperties?: readonly string[];
  /**
   * Properties every task has that this type defines itself (Pause's `timeout`):
   * passed to the task, not applied by the executor.
   */
  readonly shadows?: readonly string[];
  /** The task's own fields; a flowable task's task lists use `task`, the schema of one task. */
  readonly fields: z.ZodRawShape | ((task: z.ZodType) => z.ZodRawShape);
}

/** A task that does one thing (Kestra's RunnableTask): `run` gets the properties after rendering. */
export interface RunnableTaskType extends TaskTypeBase {
  readonly taskLists?: undefined;
  run(props: Record<string, unknown>, ctx: TaskContext): Promise<Record<string, unknown>>;
  /** Whether outputs show the API refused the credentials (HTTP 401), so fresh ones are worth one retry. */
  unauthorized?(outputs: Record<string, unknown>): boolean;
  /** Fails the task from its outputs (e.g. a non-2xx response) after any retry. */
  check?(outputs: Record<string, unknown>, props: Record<string, unknown>): void;
  /** The state a successful run ends in, when not SUCCESS (Kestra's `Output.finalState`, e.g. a script that wrote to stderr). */
  finalState?(outputs: Record<string, unknown>): 'WARNING' | undefined;
}

/** A task that runs other tasks (Kestra's FlowableTask: If, ForEach, Parallel…). */
export interface FlowableTaskType extends TaskTypeBase {
  /**
   * Properties holding tasks (`tasks`, `then`, `cases`…): not rendered,
   * checked as tasks; `map` for a mapping of task lists (`cases`). Every
   * flowable task also has `errors`.
   */
  readonly taskLists: readonly { key: string; map?: true }[];
  /** The task always allows its children to fail (Kestra's AllowFailure), as `allowFailure: true` does. */
  readonly allowsFailure?: true;
  /** Runs the task: its own properties rendered, its task lists as written; returns its outputs. */
  flow(props: Record<string, unknown>, ctx: FlowableContext): Promise<Record<string, unknown> | undefined>;
}

export type TaskType = RunnableTaskType | FlowableTaskType;
