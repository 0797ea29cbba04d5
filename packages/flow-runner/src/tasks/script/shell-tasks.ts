import { z } from 'zod';
import { HAS_TEMPLATE } from '../../execution/template-environment.js';
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
  /** Files to write in the working directory: name → content (rendered), or that mapping as JSON text. */
  inputFiles: z.unknown().superRefine(inputFilesAsWritten).optional(),
  /** Globs of working-directory files to keep after the run (`outputs.<id>.outputFiles['name']`). */
  outputFiles: z.array(templated).optional(),
} satisfies z.ZodRawShape;

/**
 * Why a file name of `inputFiles`/`outputFiles` is refused, if it is: it
 * must stay inside the working directory (Kestra's
 * `PluginUtilsService.validFilename`: no absolute path, no `./`, no `..`).
 */
export function badFileName(name: string): string | undefined {
  if (name === '' || name.includes('\u0000')) return 'is empty or holds a NUL character';
  if (name.startsWith('/') || name.startsWith('./') || name.split(/[\\/]/).includes('..')) {
    return 'must be a path relative to the working directory, without ./ or ..';
  }
  return undefined;
}

/**
 * `inputFiles` as written: a mapping of file names (inside the working
 * directory, not templates: credflow does not render names) to contents
 * (text, rendered; null: an empty file), or that mapping as JSON text.
 */
function inputFilesAsWritten(value: unknown, ctx: z.RefinementCtx): void {
  if (typeof value === 'string') return;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a mapping of file names to contents (or that mapping as JSON text)',
    });
    return;
  }
  for (const [name, content] of Object.entries(value)) {
    const bad = HAS_TEMPLATE.test(name)
      ? 'is a template: credflow uses inputFiles names as written (render the content, not the name)'
      : badFileName(name);
    if (bad) ctx.addIssue({ code: 'custom', path: [name], message: `file name ${JSON.stringify(name)} ${bad}` });
    else if (content !== null && typeof content === 'object') {
      ctx.addIssue({ code: 'custom', path: [name], message: 'expected the content of the file (text), or null' });
    }
  }
}

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
