import type { Retry } from '../flow/task-properties.js';
import type { TaskRun } from './task-run.js';

/** A task run and where it sits, as the executor keeps it. */
export interface RunNode {
  run: TaskRun;
  parent?: RunNode;
  /** The outputs as produced (not masked): templates read these. */
  outputs?: Record<string, unknown>;
  /** The outputs of the last attempt, also when it failed (e.g. an HTTP answer a check refused). */
  lastOutputs?: Record<string, unknown>;
  /** The task's retry, else the closest parent task's (Kestra: a flowable's retry applies to its children). */
  retry?: Retry;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The run's ancestors, outermost first. */
export function ancestors(node: RunNode): RunNode[] {
  const out: RunNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.unshift(p);
  return out;
}

/**
 * Adds a run's outputs to the execution's `outputs` as Kestra does
 * (`Execution.outputs()`): `outputs.<taskId>`, or keyed by the values of the
 * run and of its ancestors that have one (`outputs.t[value]`, nested
 * ForEach: `outputs.t[outer][inner]`).
 */
export function addOutputs(tree: Record<string, unknown>, node: RunNode, outputs: Record<string, unknown>): void {
  const keys = ancestors(node)
    .map((a) => a.run.value)
    .filter((v): v is string => v !== undefined);
  const own = node.run.value;
  const taskId = node.run.taskId;
  if (!keys.length && own === undefined) {
    tree[taskId] = outputs;
    return;
  }
  if (!isRecord(tree[taskId])) tree[taskId] = {};
  let current = tree[taskId] as Record<string, unknown>;
  for (const k of keys) {
    if (!isRecord(current[k])) current[k] = {};
    current = current[k] as Record<string, unknown>;
  }
  if (own !== undefined) current[own] = outputs;
  else Object.assign(current, outputs);
}

/**
 * Kestra's `parents` of a run: its ancestors, closest first, each as
 * `{ taskrun: { value }, outputs }` (what it has of them; ancestors with
 * neither are left out). `parent` is the first.
 */
export function parentsOf(node: RunNode): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let p = node.parent; p; p = p.parent) {
    const entry: Record<string, unknown> = {};
    if (p.run.value !== undefined) entry.taskrun = { value: p.run.value };
    if (p.outputs && Object.keys(p.outputs).length) entry.outputs = p.outputs;
    if (Object.keys(entry).length) out.push(entry);
  }
  return out;
}
