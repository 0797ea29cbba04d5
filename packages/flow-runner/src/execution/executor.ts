import type { CredentialStore, Scope } from '@credflow/credentials-core';
import { parseDuration } from '@credflow/credentials-core/internal';
import type { Environment } from 'nunjucks';
import type { Flow, FlowTask } from '../flow/flow.js';
import { COMMON_TASK_KEYS, type Retry } from '../flow/task-properties.js';
import { afterMs, sleepFor } from '../tasks/long-sleep.js';
import { taskFailureMessage } from '../tasks/task-failure.js';
import {
  type ChildGroup,
  type FlowableContext,
  type FlowableTaskType,
  type LogLevel,
  type RunnableTaskType,
  type SubflowRequest,
  type SubflowResult,
  type TaskContext,
  TaskError,
  type TaskType,
} from '../tasks/task-type.js';
import { isTruthy } from '../tasks/truthy.js';
import { EXECUTION_LIMITS, inheritedBudget, TaskRunBudget, withBudget } from './execution-limits.js';
import type { TaskFiles } from './execution-storage.js';
import { addOutputs, parentsOf, type RunNode } from './output-tree.js';
import { renderProperties } from './render-properties.js';
import { attemptLimitReached, mayRetry, retryDelay } from './retry-policy.js';
import { guessFinalState, isFailure, type State } from './state.js';
import { newRunId, type TaskRun, type TaskRunAttempt } from './task-run.js';

const LEVEL_RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

type Path = (string | number)[];

/** What the executor needs from the execution it runs tasks for. */
export interface ExecutorDeps {
  flow: Flow;
  env: Environment;
  store: CredentialStore;
  scope: Scope;
  types: Map<string, TaskType>;
  signal: AbortSignal;
  /** The render context every task shares (`inputs`, `vars`, `flow`, `execution`, `labels`). */
  context: Record<string, unknown>;
  /** Kestra-shaped outputs of the runs so far (not masked): `outputs` in templates. */
  outputs: Record<string, unknown>;
  sensitive: Set<string>;
  addSensitive(v: string): void;
  mask(text: string): string;
  log(taskId: string, taskRunId: string | undefined, level: LogLevel, message: string): void;
  /** Runs `fn` inside the task's span. */
  traced(task: { taskId: string; type: string }, fn: () => Promise<TaskRun>): Promise<TaskRun>;
  onSandboxViolation(): void;
  /** Called when a task run starts (SPEC section 6: a line when each task starts). */
  onTaskStart?: (run: TaskRun) => void;
  /** The storage of a task run's files. */
  files?: (taskId: string, taskRunId: string) => TaskFiles;
  /** Runs a subflow execution (Subflow tasks), when a flows directory is set. */
  runSubflow?: (request: SubflowRequest, task: { id: string; type: string }) => Promise<SubflowResult>;
}

/**
 * Runs tasks as Kestra does: a task run per task (per value in a ForEach),
 * with attempts, retries, timeouts, `runIf`, `allowFailure`/`allowWarning`,
 * and flowable tasks that run their children and take their state from them.
 */
export class Executor {
  /** Every run, in the order created. */
  readonly nodes: RunNode[] = [];
  /** The task runs left to this execution, shared with the execution that started it and its subflows. */
  readonly budget: TaskRunBudget;
  /** Whether this is the first execution of the run (its budget is its own). */
  readonly #root: boolean;
  #limitLogged = false;
  #refusedKept = false;

  constructor(private readonly d: ExecutorDeps) {
    const inherited = inheritedBudget();
    this.budget = inherited ?? new TaskRunBudget();
    this.#root = inherited === undefined;
  }

  /** Runs `tasks` one after the other, stopping at the first failure; returns the states of the runs made. */
  async runSequence(
    tasks: readonly FlowTask[],
    path: Path,
    parent?: RunNode,
    value?: string,
    start = 0,
  ): Promise<State[]> {
    const states: State[] = [];
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i] as FlowTask;
      if (task.disabled === true) continue;
      if (this.d.signal.aborted) break;
      const node = await this.runTask(task, [...path, start + i], parent, value);
      states.push(node.run.state);
      if (isFailure(node.run.state)) break;
    }
    if (!parent && this.#root && this.budget.exhausted) {
      // The run went past its task runs (here or in a subflow whose failure was not passed on): it failed.
      states.push('FAILED');
      if (!this.#limitLogged) {
        this.#limitLogged = true;
        this.d.log('flow', undefined, 'ERROR', this.budget.error().message);
      }
    }
    return states;
  }

  /** Runs groups of tasks, `concurrency` at once (0: all); no new group starts after a failure. */
  async runGroups(groups: readonly ChildGroup[], concurrency: number, parent: RunNode): Promise<State[]> {
    const states: State[] = [];
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < groups.length && !this.d.signal.aborted) {
        const g = groups[next++] as ChildGroup;
        const s = await this.runSequence(g.tasks, g.path, parent, g.value, g.start ?? 0);
        states.push(...s);
        if (s.some(isFailure)) failed = true;
      }
    };
    const workers = concurrency <= 0 ? groups.length : Math.min(concurrency, groups.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return states;
  }

  /** Runs one task (and, for a flowable task, its children): one task run, in the list of runs at once. */
  async runTask(task: FlowTask, path: Path, parent?: RunNode, value?: string): Promise<RunNode> {
    if (!this.budget.take()) return this.refuse(task, parent, value);
    const type = this.d.types.get(task.type) as TaskType;
    // Assignments, not conditional spreads (each allocates and copies an object): this runs once per task run.
    const run: TaskRun = {
      id: newRunId(),
      taskId: task.id,
      type: task.type,
      state: 'CREATED',
      attempts: [],
      outputs: {},
      startDate: new Date().toISOString(),
      durationMs: 0,
    };
    const node: RunNode = { run };
    if (parent) {
      run.parentTaskRunId = parent.run.id;
      node.parent = parent;
    }
    const retry = (task.retry as Retry | undefined) ?? parent?.retry;
    if (retry) node.retry = retry;
    if (value !== undefined) run.value = value;
    this.nodes.push(node);
    const t0 = performance.now();
    await this.d.traced({ taskId: task.id, type: task.type }, async () => {
      run.state = 'RUNNING';
      this.d.onTaskStart?.(run);
      if (task.runIf !== undefined && !(await this.runIf(task, path, this.contextFor(task, node), node))) {
        if (run.error === undefined) run.state = 'SKIPPED';
        return run;
      }
      const state =
        'flow' in type
          ? await this.runFlowable(type, task, path, node)
          : await this.runRunnable(type, task, path, node);
      run.state = this.allowed(task, 'flow' in type && type.allowsFailure === true, state);
      return run;
    });
    // A task run ends when its last attempt does (one date formatted, not two).
    run.endDate = run.attempts.at(-1)?.endDate ?? new Date().toISOString();
    run.durationMs = Math.round(performance.now() - t0);
    return node;
  }

  /**
   * A task run past the run's limit of task runs: FAILED without running.
   * The first one of each execution is kept (its error names the limit);
   * the others (a parallel ForEach's thousands) are not.
   */
  private refuse(task: FlowTask, parent: RunNode | undefined, value: string | undefined): RunNode {
    const now = new Date().toISOString();
    const err = this.budget.error();
    const run: TaskRun = {
      id: newRunId(),
      taskId: task.id,
      type: task.type,
      state: 'FAILED',
      attempts: [],
      outputs: {},
      startDate: now,
      endDate: now,
      durationMs: 0,
      error: err.message,
      errorCode: err.code,
    };
    if (parent) run.parentTaskRunId = parent.run.id;
    if (value !== undefined) run.value = value;
    const node: RunNode = parent ? { run, parent } : { run };
    if (!this.#refusedKept) {
      this.#refusedKept = true;
      this.nodes.push(node);
      this.d.log(task.id, run.id, 'ERROR', err.message);
    }
    return node;
  }

  /** The render context of a task run: the execution's, plus `task`, `taskrun`, `parents`, `parent`. */
  private contextFor(task: FlowTask, node: RunNode): Record<string, unknown> {
    const { run } = node;
    const parents = parentsOf(node);
    // Kestra counts the attempts made before this one
    let attemptsCount = 0;
    for (const a of run.attempts) if (a.state !== 'RUNNING') attemptsCount++;
    const taskrun: Record<string, unknown> = { id: run.id, startDate: run.startDate, attemptsCount };
    if (run.parentTaskRunId) taskrun.parentId = run.parentTaskRunId;
    if (run.value !== undefined) taskrun.value = run.value;
    // Object.assign, not spreads: a spread copy of the execution's context was a fifth of a no-op task run.
    const ctx: Record<string, unknown> = Object.assign({}, this.d.context, {
      outputs: this.d.outputs,
      task: { id: task.id, type: task.type },
      taskrun,
      parents,
    });
    if (parents.length) ctx.parent = parents[0];
    return ctx;
  }

  /** `allowFailure` turns FAILED into WARNING, `allowWarning` WARNING into SUCCESS (Kestra). */
  private allowed(task: FlowTask, allowsFailure: boolean, state: State): State {
    // A run past its limit fails: allowFailure does not turn that into a warning.
    if (this.budget.exhausted) return state;
    if (state === 'FAILED' && (allowsFailure || task.allowFailure === true))
      return task.allowWarning === true ? 'SUCCESS' : 'WARNING';
    if (state === 'WARNING' && task.allowWarning === true) return 'SUCCESS';
    return state;
  }

  private async render(value: unknown, path: Path, ctx: Record<string, unknown>) {
    const d = this.d;
    return renderProperties(d.env, d.flow, value, path, ctx, d.scope, d.addSensitive, d.sensitive);
  }

  /** Renders `runIf`; a render failure fails the task run. */
  private async runIf(task: FlowTask, path: Path, ctx: Record<string, unknown>, node: RunNode): Promise<boolean> {
    try {
      return isTruthy((await this.render(task.runIf, [...path, 'runIf'], ctx)).value);
    } catch (err) {
      this.fail(node, task, path, err, { runIf: task.runIf });
      return false;
    }
  }

  private fail(node: RunNode, task: FlowTask, path: Path, err: unknown, written: Record<string, unknown>): void {
    if (isSandboxViolation(err)) this.d.onSandboxViolation();
    const message = this.d.mask(taskFailureMessage(err, this.d.flow, path, written));
    this.d.log(task.id, node.run.id, 'ERROR', message);
    node.run.state = 'FAILED';
    node.run.error = message;
    node.run.errorCode = (err as { code?: string }).code ?? 'ERR_TASK_FAILED';
  }

  private taskContext(task: FlowTask, node: RunNode, signal: AbortSignal): TaskContext {
    const min = LEVEL_RANK[(task.logLevel as LogLevel | undefined) ?? 'TRACE'];
    return {
      taskId: task.id,
      taskRunId: node.run.id,
      store: this.d.store,
      scope: this.d.scope,
      signal,
      ...(this.d.runSubflow
        ? {
            // The subflow execution takes its task runs from this execution's budget.
            runSubflow: (r: SubflowRequest) => {
              if (!this.budget.takeExecution()) return Promise.reject(this.budget.error());
              return withBudget(
                this.budget,
                () => this.d.runSubflow?.(r, { id: task.id, type: task.type }) as Promise<SubflowResult>,
              );
            },
          }
        : {}),
      ...(this.d.files ? { files: this.d.files(task.id, node.run.id) } : {}),
      log: (level, m) => {
        if (LEVEL_RANK[level] >= min) this.d.log(task.id, node.run.id, level, m);
      },
    };
  }

  /** A task's own properties (not id, type and the properties every task has). */
  private ownProperties(task: FlowTask, type: TaskType): Record<string, unknown> {
    const lists = new Set((type.taskLists ?? []).map((l) => l.key));
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(task)) {
      if (COMMON_TASK_KEYS.has(k) && !type.shadows?.includes(k)) continue;
      if (lists.has(k) || (type.taskLists && k === 'errors')) continue;
      props[k] = v;
    }
    return props;
  }

  private async runFlowable(type: FlowableTaskType, task: FlowTask, path: Path, node: RunNode): Promise<State> {
    const attempt: TaskRunAttempt = { state: 'RUNNING', startDate: node.run.startDate };
    node.run.attempts.push(attempt);
    const childStates: State[] = [];
    let endAs: 'WARNING' | 'KILLED' | undefined;
    let state: State;
    try {
      const ctx = this.contextFor(task, node);
      const props = this.ownProperties(task, type);
      const rendered = (await this.render(props, path, ctx)).value as Record<string, unknown>;
      for (const l of type.taskLists) if (task[l.key] !== undefined) rendered[l.key] = task[l.key];
      const setOutputs = (o: Record<string, unknown>) => {
        node.outputs = o;
        addOutputs(this.d.outputs, node, o);
      };
      const fctx: FlowableContext = {
        ...this.taskContext(task, node, this.d.signal),
        runGroups: async (groups, concurrency) => {
          const prefixed = groups.map((g) => ({ ...g, path: [...path, ...g.path] }));
          childStates.push(...(await this.runGroups(prefixed, concurrency, node)));
        },
        setOutputs,
        endAs: (s) => {
          endAs = s;
        },
      };
      const out = await type.flow(rendered, fctx);
      if (out) setOutputs(out);
      state = this.d.signal.aborted ? 'KILLED' : guessFinalState(endAs ? [...childStates, endAs] : childStates);
    } catch (err) {
      this.fail(node, task, path, err, task);
      state = 'FAILED';
    }
    const errors = task.errors as FlowTask[] | undefined;
    if (state === 'FAILED' && errors?.length && !this.d.signal.aborted) {
      await this.runSequence(errors, [...path, 'errors'], node);
    }
    attempt.state = state;
    attempt.endDate = new Date().toISOString();
    return state;
  }

  private async runRunnable(type: RunnableTaskType, task: FlowTask, path: Path, node: RunNode): Promise<State> {
    // Kestra's ExecutorService.handleRetry: the task's retry, a parent task's, else the flow's.
    const retry = node.retry ?? this.d.flow.retry;
    const props = this.ownProperties(task, type);
    const first = performance.now();
    for (let attemptNo = 1; ; attemptNo++) {
      // The first attempt starts with its task run.
      const startDate = attemptNo === 1 ? node.run.startDate : new Date().toISOString();
      const attempt: TaskRunAttempt = { state: 'RUNNING', startDate };
      node.run.attempts.push(attempt);
      try {
        const outputs = await this.attempt(type, task, path, node, props);
        attempt.state = 'SUCCESS';
        attempt.endDate = new Date().toISOString();
        node.outputs = outputs;
        addOutputs(this.d.outputs, node, outputs);
        delete node.run.error;
        delete node.run.errorCode;
        if (type.finalState?.(outputs) === 'WARNING') return 'WARNING';
        return attemptNo > 1 && retry?.warningOnRetry ? 'WARNING' : 'SUCCESS';
      } catch (err) {
        if (err instanceof TaskError && err.outputs) {
          // Kestra keeps what a failed task produced (a script's exitCode and vars), for `errors` tasks too.
          node.lastOutputs = err.outputs;
          addOutputs(this.d.outputs, node, err.outputs);
        }
        this.fail(node, task, path, err, props);
        const killed = this.d.signal.aborted;
        attempt.state = killed ? 'KILLED' : 'FAILED';
        attempt.endDate = new Date().toISOString();
        if (killed) return 'KILLED';
        if (isSandboxViolation(err)) return 'FAILED';
        const delay = retry ? retryDelay(retry, attemptNo) : 0;
        if (!mayRetry(retry, attemptNo, performance.now() - first, delay)) {
          if (attemptLimitReached(retry, attemptNo)) {
            this.d.log(
              task.id,
              node.run.id,
              'ERROR',
              `no more retries: a task run makes at most ${EXECUTION_LIMITS.maxAttempts} attempts (credflow's limit)`,
            );
          }
          return 'FAILED';
        }
        this.d.log(task.id, node.run.id, 'WARN', `attempt ${attemptNo} failed: retrying in ${Math.round(delay)} ms`);
        try {
          await sleepFor(delay, this.d.signal);
        } catch {
          return 'KILLED';
        }
        node.run.state = 'RUNNING';
      }
    }
  }

  /** One attempt: render, run (within `timeout`), once more with fresh tokens after HTTP 401, check. */
  private async attempt(
    type: RunnableTaskType,
    task: FlowTask,
    path: Path,
    node: RunNode,
    props: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const ctx = this.contextFor(task, node);
    let timeoutMs: number | undefined;
    if (task.timeout !== undefined) {
      const t = String((await this.render(task.timeout, [...path, 'timeout'], ctx)).value);
      timeoutMs = parseDuration(t);
      if (timeoutMs === undefined)
        throw new TaskError('not an ISO-8601 duration (e.g. PT30S)', { property: 'timeout' });
    }
    // Without a timeout the task gets the execution's signal: no controller nor listener per attempt.
    if (timeoutMs === undefined) return this.runOnce(type, task, path, node, props, ctx, this.d.signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    this.d.signal.addEventListener('abort', onAbort);
    let cancelTimeout: (() => void) | undefined;
    const work = this.runOnce(type, task, path, node, props, ctx, controller.signal);
    try {
      const limit = timeoutMs;
      const timedOut = new Promise<never>((_, reject) => {
        cancelTimeout = afterMs(limit, () => {
          controller.abort();
          reject(new TaskError(`timed out after ${task.timeout} (${limit} ms)`, { property: 'timeout' }));
        });
      });
      work.catch(() => {}); // settled after the timeout: nobody waits for it any more
      return await Promise.race([work, timedOut]);
    } finally {
      cancelTimeout?.();
      this.d.signal.removeEventListener('abort', onAbort);
    }
  }

  private async runOnce(
    type: RunnableTaskType,
    task: FlowTask,
    path: Path,
    node: RunNode,
    props: Record<string, unknown>,
    ctx: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const tctx = this.taskContext(task, node, signal);
    // Properties the task takes as written (Subflow's `outputs`, rendered in the subflow execution).
    const raw = (type.rawProperties ?? []).filter((k) => k in props);
    const renderable = raw.length ? Object.fromEntries(Object.entries(props).filter(([k]) => !raw.includes(k))) : props;
    const renderAll = async () => {
      const r = await this.render(renderable, path, ctx);
      for (const k of raw) (r.value as Record<string, unknown>)[k] = props[k];
      return r;
    };
    let rendered = await renderAll();
    let outputs = await type.run(rendered.value as Record<string, unknown>, tctx);
    if (type.unauthorized?.(outputs) && rendered.credentials.length > 0) {
      // The API refused the token (revoked, rotated): drop it, fetch a fresh one, retry once.
      for (const c of rendered.credentials) {
        // Only if the cache still holds the refused token: concurrent 401s cause one new mint.
        this.d.store.invalidate(
          c.key,
          { tenantId: c.tenantId, ...(c.namespace ? { namespace: c.namespace } : {}) },
          c.token !== undefined ? { token: c.token } : {},
        );
      }
      this.d.log(
        task.id,
        node.run.id,
        'WARN',
        `HTTP 401 with credential ${rendered.credentials.map((c) => `'${c.key}'`).join(', ')}: retrying once with a fresh token`,
      );
      const now = new Date().toISOString();
      node.run.attempts.splice(node.run.attempts.length - 1, 0, { state: 'FAILED', startDate: now, endDate: now });
      rendered = await renderAll();
      outputs = await type.run(rendered.value as Record<string, unknown>, tctx);
    }
    node.lastOutputs = outputs;
    type.check?.(outputs, rendered.value as Record<string, unknown>);
    return outputs;
  }
}

/** Whether a task failed because a template reached past the sandbox (`ERR_TEMPLATE_FORBIDDEN` in its causes). */
export function isSandboxViolation(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'ERR_TEMPLATE_FORBIDDEN') return true;
  }
  return false;
}
