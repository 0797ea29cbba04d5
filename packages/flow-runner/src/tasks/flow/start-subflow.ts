import type { TaskContext } from '../task-type.js';
import { TaskError } from '../task-type.js';

/** Kestra's labels, as a mapping or a list of `{ key, value }`, as text. */
function labelsOf(labels: unknown): Record<string, string> {
  if (Array.isArray(labels)) {
    return Object.fromEntries(
      (labels as { key: unknown; value: unknown }[]).map((l) => [String(l.key), String(l.value)]),
    );
  }
  if (labels && typeof labels === 'object') {
    return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
  }
  return {};
}

/**
 * Starts the subflow execution of a Subflow task (its properties rendered,
 * `outputs` as written) and makes the task's outputs; `warning`: the task
 * ends WARNING. Loaded with the first Subflow task a flow runs.
 */
export async function startSubflow(
  props: Record<string, unknown>,
  ctx: TaskContext,
): Promise<{ outputs: Record<string, unknown>; warning: boolean }> {
  if (!ctx.runSubflow) {
    throw new TaskError(
      'no flows directory to find the subflow in: pass --flows DIR to credflow run, or set flows: { dir: ./flows } in credflow.yaml',
    );
  }
  if (props.revision !== undefined) {
    ctx.log(
      'INFO',
      `revision ${props.revision} is not looked for: the flows directory holds one revision of each flow`,
    );
  }
  const wait = props.wait !== false;
  const namespace = String(props.namespace);
  const flowId = String(props.flowId);
  const r = await ctx.runSubflow({
    namespace,
    flowId,
    inputs: (props.inputs as Record<string, unknown> | undefined) ?? {},
    labels: labelsOf(props.labels),
    inheritLabels: props.inheritLabels === true,
    wait,
    ...(props.outputs ? { outputs: props.outputs as Record<string, unknown> } : {}),
  });
  if (!wait || !r.execution) return { outputs: { executionId: r.executionId }, warning: false };
  const state = r.execution.state;
  const outputs: Record<string, unknown> = {
    executionId: r.executionId,
    state,
    ...(r.outputs ? { outputs: r.outputs } : {}),
  };
  if (r.outputsError !== undefined) {
    throw new TaskError(`the outputs of subflow execution ${r.executionId} could not be rendered: ${r.outputsError}`, {
      outputs,
    });
  }
  if (props.transmitFailed !== false) {
    if (state === 'FAILED' || state === 'KILLED') {
      throw new TaskError(`subflow execution ${r.executionId} (${namespace}.${flowId}) ended ${state}`, { outputs });
    }
    return { outputs, warning: state === 'WARNING' };
  }
  return { outputs, warning: false };
}
