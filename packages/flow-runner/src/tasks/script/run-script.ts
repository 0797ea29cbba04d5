import type { LogLevel, TaskContext } from '../task-type.js';
import { TaskError } from '../task-type.js';
import { runProcess } from './run-process.js';
import { keepOutputFiles, writeInputFiles } from './script-files.js';

/** Variables of the runner's own environment a script gets (never the rest: secrets live there). */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG'] as const;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** What a script run produced: its outputs, and how many lines it wrote to stderr (Kestra's `stdErrLineCount`, not an output). */
export interface ScriptResult {
  outputs: Record<string, unknown>;
  stderrLines: number;
}

/**
 * Runs `interpreter` with the before-commands and the commands joined by line
 * breaks (Kestra's `ScriptService.scriptCommands`), `set -e` first when
 * `failFast`. stdout lines are INFO, stderr lines ERROR (Kestra's
 * `PluginUtilsService.parseOut`), `::{"outputs":{...}}::` lines become
 * `vars`; a non-zero exit fails the task (its outputs are kept).
 * `inputFiles` are written in the working directory first; after a
 * successful run the files matching `outputFiles` are kept in the run's
 * storage, as `outputs.<id>.outputFiles['name']` (`kestra://` URIs). Loaded
 * with the first script task a flow runs: a flow without one never loads
 * `node:child_process`.
 */
export async function runScript(
  props: Record<string, unknown>,
  commands: string[],
  ctx: TaskContext,
): Promise<ScriptResult> {
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
  const outputPatterns = props.outputFiles as string[] | undefined;
  let outputFiles: Record<string, string> | undefined;
  const result = await runProcess({
    command: [...interpreter, lines.join('\n')],
    env,
    onLine,
    signal: ctx.signal,
    ...(props.inputFiles !== undefined ? { prepare: (dir) => writeInputFiles(dir, props.inputFiles, ctx) } : {}),
    ...(outputPatterns
      ? {
          collect: async (dir, exitCode) => {
            // Kept after a successful run only, as Kestra does.
            if (exitCode === 0 && !ctx.signal.aborted) outputFiles = await keepOutputFiles(dir, outputPatterns, ctx);
          },
        }
      : {}),
  });
  const outputs = { vars, exitCode: result.exitCode, ...(outputFiles ? { outputFiles } : {}) };
  if (ctx.signal.aborted) throw new TaskError('the process was ended (timeout or cancel)', { outputs });
  if (result.exitCode !== 0) {
    throw new TaskError(
      `Command failed with exit code ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}`,
      { outputs },
    );
  }
  return { outputs, stderrLines: stderr };
}
