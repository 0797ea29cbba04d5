import { z } from 'zod';
import type { RunnableTaskType } from '../task-type.js';
import { templated } from '../template-values.js';

const labelValue = z.union([z.string(), z.number(), z.boolean()]);

// Whether each run ends WARNING (a WARNING subflow execution, transmitFailed), for `finalState`.
const warned = new WeakMap<object, boolean>();

/** The code that starts subflow executions, loaded with the first Subflow task a flow runs. */
let startModule: Promise<typeof import('./start-subflow.js')> | undefined;

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
    startModule ??= import('./start-subflow.js');
    const { outputs, warning } = await (await startModule).startSubflow(props, ctx);
    warned.set(outputs, warning);
    return outputs;
  },
  finalState: (outputs) => (warned.get(outputs) ? 'WARNING' : undefined),
};
