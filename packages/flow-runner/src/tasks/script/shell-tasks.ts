import { z } from 'zod';
import type { RunnableTaskType, TaskContext } from '../task-type.js';
import { templated } from '../template-values.js';

/** Kestra's Process task runner, and its older name. */
export const PROCESS_RUNNER_TYPES = [
  'io.kestra.plugin.core.runner.Process',
  'io.kestra.core.models.tasks.runners.types.ProcessTaskRunner',
] as const;

/** The task types that run a local process (enabled by `tasks.process.enabled` in credflow.yaml). */
export const SCRIPT_TASK_TYPES: ReadonlySet<string> = new Set([
  'io.kestra.plugin.scripts.shell.Commands',
  'io.kestra.plugin.scripts.shell.Script',
]);

/** What credflow.yaml needs for script tasks, in the words error messages use. */
export const ENABLE_PROCESS_TASKS = 'tasks: { process: { enabled: true } }';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const taskRunner = z.looseObject({
  type: z.string().refine((t) => (PROCESS_RUNNER_TYPES as readonly string[]).includes(t), {
    message:
      'credflow runs script tasks as local processes only: the task runner must be io.kestra.plugin.core.runner.Process (Docker and other runners are not supported)',
  }),
});

/** Properties Kestra's script tasks share (`AbstractExecScript`), as credflow runs them. */
const commonScriptFields = {
  beforeCommands: z.array(templated).optional(),
  env: z
    .record(
      z.string().regex(ENV_NAME, 'environment variable names use letters, digits and _'),
      z.union([z.string(), z.number(), z.boolean(), z.null()]),
    )
    .optional(),
  interpreter: z.array(templated).min(1, 'needs the program to run').default(['/bin/sh', '-c']),
  failFast: z.boolean().default(true),
  warningOnStdErr: z.boolean().default(true),
  /** Ignored (with a notice): the command runs on this machine, not in a container. */
  containerImage: z.string().optional(),
  taskRunner: taskRunner.optional(),
  /** Kestra's deprecated `runner: PROCESS`. */
  runner: z
    .string()
    .refine((r) => r === 'PROCESS', {
      message: 'credflow runs script tasks as local processes only: use runner: PROCESS (or leave it out)',
    })
    .optional(),
  /** Kestra's deprecated Docker options: ignored, as `containerImage`. */
  docker: z.looseObject({}).optional(),
  targetOS: z.enum(['AUTO', 'LINUX']).optional(),
} satisfies z.ZodRawShape;

/** The code that runs a script, loaded with the first script task a flow runs. */
let runScriptModule: Promise<typeof import('./run-script.js')> | undefined;

/** Whether each run ends WARNING (`warningOnStdErr` and lines on stderr), for `finalState`. */
const warnOnStderr = new WeakMap<object, boolean>();

async function runAndCheckStderr(
  props: Record<string, unknown>,
  commands: string[],
  ctx: TaskContext,
): Promise<Record<string, unknown>> {
  runScriptModule ??= import('./run-script.js');
  const { outputs, stderrLines } = await (await runScriptModule).runScript(props, commands, ctx);
  warnOnStderr.set(outputs, props.warningOnStdErr !== false && stderrLines > 0);
  return outputs;
}

/** `io.kestra.plugin.scripts.shell.Commands`: runs `commands` (one per line) with `interpreter`. */
export const shellCommandsTask: RunnableTaskType = {
  type: 'io.kestra.plugin.scripts.shell.Commands',
  fields: {
    commands: z.array(templated).min(1, 'needs at least one command'),
    ...commonScriptFields,
  },
  run: (props, ctx) => runAndCheckStderr(props, props.commands as string[], ctx),
  finalState: (outputs) => (warnOnStderr.get(outputs) ? 'WARNING' : undefined),
};

/** `io.kestra.plugin.scripts.shell.Script`: runs the text of `script` with `interpreter`. */
export const shellScriptTask: RunnableTaskType = {
  type: 'io.kestra.plugin.scripts.shell.Script',
  fields: {
    script: templated.min(1, 'needs the script'),
    ...commonScriptFields,
  },
  run: (props, ctx) => runAndCheckStderr(props, [String(props.script)], ctx),
  finalState: (outputs) => (warnOnStderr.get(outputs) ? 'WARNING' : undefined),
};
