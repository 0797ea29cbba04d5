import { z } from 'zod';
import type { RunnableTaskType } from '../task-type.js';
import { TaskError } from '../task-type.js';
import { templated } from '../template-values.js';

const labelValue = z.union([z.string(), z.number(), z.boolean()]);

// Whether each run ends WARNING (a WARNING subflow execution, transmitFailed), for `finalState`.
const warned = new WeakMap<object, boolean>();

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
 * `io.kestra.plugin.core.flow.Subflow` (and its older names): runs the flow
 * `namespace`.`flowId` of the flows directory as a new execution with
 * `inputs` and `labels` (`inheritLabels`: all of this execution's, else its
 * `system.*` ones such as `system.correlationId`). With `wait` (the default)
 * the task ends with the subflow execution: outputs `executionId`, `state` and
 * `outputs` (the subflow's flow outputs, else the task's `outputs` rendered in
 * the subflow execution); with `transmitFailed` (the default) a FAILED or
 * KILLED subflow fails the task and a WARNING one ends it WARNING (Kestra's
 * `ExecutableUtils.guessState`). Without `wait`: outputs `executionId`, SUCCESS.
 */
export const subflowTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.flow.Subflow',
  aliases: ['io.kestra.core.tasks.flows.Subflow', 'io.kestra.core.tasks.flows.Flow'],
  rawProperties: ['outputs'],
  fields: {
    namespace: templated.min(1),
    flowId: templated.min(1),
    revision: z.number().int().min(1).optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    labels: z
      .union([z.record(z.string(), labelValue), z.array(z.strictObject({ key: z.string(), value: labelValue }))])
      .optional(),
    wait: z.boolean().default(true),
    transmitFailed: z.boolean().default(true),
    inheritLabels: z.boolean().default(false),
    outputs: z.record(z.string(), z.unknown()).optional(),
  },
  async run(props, ctx) {
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
    if (!wait || !r.execution) return { executionId: r.executionId };
    const state = r.execution.state;
    const outputs: Record<string, unknown> = {
      executionId: r.executionId,
      state,
      ...(r.outputs ? { outputs: r.outputs } : {}),
    };
    if (r.outputsError !== undefined) {
      throw new TaskError(
        `the outputs of subflow execution ${r.executionId} could not be rendered: ${r.outputsError}`,
        {
          outputs,
        },
      );
    }
    if (props.transmitFailed !== false) {
      if (state === 'FAILED' || state === 'KILLED') {
        throw new TaskError(`subflow execution ${r.executionId} (${namespace}.${flowId}) ended ${state}`, { outputs });
      }
      warned.set(outputs, state === 'WARNING');
    }
    return outputs;
  },
  finalState: (outputs) => (warned.get(outputs) ? 'WARNING' : undefined),
};
