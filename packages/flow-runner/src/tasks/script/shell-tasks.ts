import { z } from 'zod';
import type { LogLevel, RunnableTaskType, TaskContext } from '../task-type.js';
import { TaskError } from '../task-type.js';
import { templated } from '../template-values.js';
import { runProcess } from './run-process.js';

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

/** Variables of the runner's own environment a script gets (never the rest: secrets live there). */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG'] as const;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

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

// The number of stderr lines of each run's outputs (Kestra's `stdErrLineCount`, not an output).
const stderrLines = new WeakMap<object, number>();

/**
 * Runs `interpreter` with the before-commands and the commands joined by line
 * breaks (Kestra's `ScriptService.scriptCommands`), `set -e` first when
 * `failFast`. stdout lines are INFO, stderr lines ERROR (Kestra's
 * `PluginUtilsService.parseOut`), `::{"outputs":{...}}::` lines become
 * `vars`; a non-zero exit fails the task (its outputs are kept).
 */
async function runScript(
  props: Record<string, unknown>,
  commands: string[],
  ctx: TaskContext,
): Promise<Record<string, unknown>> {
  if (props.containerImage !== undefined || props.docker !== undefined) {
    ctx.log(
      'INFO',
      `${props.containerImage !== undefined ? 'containerImage' : 'docker'} is ignored: credflow runs script tasks as local processes (Kestra's Process task runner)`,
    );
  }
  const before = (props.beforeCommands as string[] | undefined) ?? [];
  const lines = [...(props.failFast === false ? [] : ['set -e']), ...before, ...commands];
  const interpreter = (props.interpreter as string[] | undefined) ?? ['/bin/sh', '-c'];
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const v = process.env[name];
    if (v !== undefined) env[name] = v;
  }
  env.PATH ??= DEFAULT_PATH;
  for (const [k, v] of Object.entries((props.env as Record<string, unknown> | undefined) ?? {})) {
    env[k] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (env[k].includes('\u0000')) throw new TaskError('holds a NUL character', { property: `env.${k}` });
  }
  const vars: Record<string, unknown> = {};
  let stderr = 0;
  const onLine = (line: string, isStderr: boolean) => {
    if (isStderr) stderr++;
    const m = /^::(\{.*\})::$/.exec(line);
    if (!m) {
      ctx.log(isStderr ? 'ERROR' : 'INFO', line);
      return;
    }
    let command: unknown;
    try {
      command = JSON.parse(m[1] as string);
    } catch (err) {
      // The line is not quoted: it may hold a value the masker would not recognise once cut.
      ctx.log('WARN', `invalid ::{...}:: line (not JSON: ${(err as Error).name}): ignored`);
      return;
    }
    if (!command || typeof command !== 'object') return;
    const { outputs, logs } = command as { outputs?: unknown; logs?: unknown };
    if (outputs && typeof outputs === 'object' && !Array.isArray(outputs)) Object.assign(vars, outputs);
    if (Array.isArray(logs)) {
      for (const l of logs as { level?: unknown; message?: unknown }[]) {
        const level = String(l?.level ?? 'INFO').toUpperCase();
        const known: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
        ctx.log(known.includes(level as LogLevel) ? (level as LogLevel) : 'INFO', String(l?.message ?? ''));
      }
    }
  };
  const result = await runProcess({
    command: [...interpreter, lines.join('\n')],
    env,
    onLine,
    signal: ctx.signal,
  });
  const outputs = { vars, exitCode: result.exitCode };
  if (ctx.signal.aborted) throw new TaskError('the process was ended (timeout or cancel)', { outputs });
  if (result.exitCode !== 0) {
    throw new TaskError(
      `Command failed with exit code ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}`,
      { outputs },
    );
  }
  stderrLines.set(outputs, stderr);
  return outputs;
}

const warningOnStdErr = (outputs: Record<string, unknown>, props: Record<string, unknown>) =>
  props.warningOnStdErr !== false && (stderrLines.get(outputs) ?? 0) > 0;

/** Whether each run ends WARNING (`warningOnStdErr` and lines on stderr), for `finalState`. */
const warnOnStderr = new WeakMap<object, boolean>();

/** `io.kestra.plugin.scripts.shell.Commands`: runs `commands` (one per line) with `interpreter`. */
export const shellCommandsTask: RunnableTaskType = {
  type: 'io.kestra.plugin.scripts.shell.Commands',
  fields: {
    commands: z.array(templated).min(1, 'needs at least one command'),
    ...commonScriptFields,
  },
  async run(props, ctx) {
    const outputs = await runScript(props, props.commands as string[], ctx);
    warnOnStderr.set(outputs, warningOnStdErr(outputs, props));
    return outputs;
  },
  finalState: (outputs) => (warnOnStderr.get(outputs) ? 'WARNING' : undefined),
};

/** `io.kestra.plugin.scripts.shell.Script`: runs the text of `script` with `interpreter`. */
export const shellScriptTask: RunnableTaskType = {
  type: 'io.kestra.plugin.scripts.shell.Script',
  fields: {
    script: templated.min(1, 'needs the script'),
    ...commonScriptFields,
  },
  async run(props, ctx) {
    const outputs = await runScript(props, [String(props.script)], ctx);
    warnOnStderr.set(outputs, warningOnStdErr(outputs, props));
    return outputs;
  },
  finalState: (outputs) => (warnOnStderr.get(outputs) ? 'WARNING' : undefined),
};
