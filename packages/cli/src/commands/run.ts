import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TENANT, Masker } from '@credflow/credentials-core';
import type { Execution, LogEntry, LogLevel } from '@credflow/flow-runner';
import { FlowDirectory, InputError, loadFlow, runFlow, templateEnvironments } from '@credflow/flow-runner';
import { CONFIG_OPTION, HELP_OPTION, usage } from '../args.js';
import { flowChecker } from '../flow-checks.js';
import { parseInputArgs } from '../input-args.js';
import { addInputHints } from '../input-hints.js';
import { type CliIo, EXIT, paint, UsageError } from '../io.js';
import { loadStore, NO_CONFIG, warnUnknownTenant } from '../load-store.js';
import { startOtelExport, wantsOtel } from '../otel-export.js';
import { TokenWaits } from '../token-waits.js';

export const RUN_HELP = `Usage: credflow run FLOW.yaml [options]

Runs a flow. Log lines go to stderr; with --json, stdout holds one JSON document.

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       tenant to run in (default: main)
  --flows DIR      where Subflow tasks find flows, by namespace and id (default:
                   flows.dir in credflow.yaml)
  --label k=v      a label of the execution; repeat for more
  --input k=v      input value; repeat for more inputs. Keep secrets out of argv
                   with k=@env:VAR (environment variable VAR) or k=@file:PATH
                   (the file, one trailing newline trimmed, at most 1 MiB);
                   k=@@x is the literal value @x
  --json           print the execution as JSON on stdout
  --otel           export spans and metrics over OTLP/HTTP to
                   $OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318);
                   also on when that variable is set
  -h, --help       show this help

Exit codes: 0 SUCCESS or WARNING, 1 FAILED, 130 KILLED (Ctrl-C), 2 usage, config or flow error (before any task
runs), or a template that reached past the sandbox (the run stops there).
`;

const LEVEL_COLOR = { TRACE: 'gray', DEBUG: 'gray', INFO: 'blue', WARN: 'yellow', ERROR: 'red' } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      options: {
        ...HELP_OPTION,
        ...{
          ...CONFIG_OPTION,
          tenant: { type: 'string' },
          flows: { type: 'string' },
          label: { type: 'string', multiple: true },
          input: { type: 'string', multiple: true },
          json: { type: 'boolean' },
          otel: { type: 'boolean' },
        },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout(RUN_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? 'run takes one flow file' : 'run needs a flow file');
  const inputs = await parseInputArgs(values.input ?? [], { env: io.env, cwd: process.cwd() });
  const labels: Record<string, string> = {};
  for (const l of values.label ?? []) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new UsageError(`--label takes key=value (got '${l.slice(0, 40)}')`);
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  // Registered before the store exists, so its first mint is exported too.
  const otel = wantsOtel(values.otel, io.env) ? await startOtelExport(io.env) : undefined;
  try {
    return await runWith(positionals[0] as string, values, inputs, labels, io);
  } finally {
    await otel?.shutdown();
  }
}

async function runWith(
  file: string,
  values: {
    config?: string | undefined;
    tenant?: string | undefined;
    json?: boolean | undefined;
    flows?: string | undefined;
  },
  inputs: Record<string, unknown>,
  labels: Record<string, string>,
  commandIo: CliIo,
): Promise<number> {
  // A notice while a token request or a retry waits (SPEC section 6); stderr only, stdout stays the one JSON document.
  const waits = new TokenWaits(commandIo);
  try {
    return await runLoaded(file, values, inputs, labels, waits);
  } finally {
    waits.close();
  }
}

async function runLoaded(
  file: string,
  values: Parameters<typeof runWith>[1],
  inputs: Record<string, unknown>,
  labels: Record<string, string>,
  waits: TokenWaits,
): Promise<number> {
  const io = waits.io;
  const store = await loadStore(values.config, io);
  waits.watch(store);
  warnUnknownTenant(store, values.tenant, io);
  const envOf = templateEnvironments(store);
  const forced = store.config.templates.syntax;
  const checks = {
    checkTemplate: await flowChecker(store, values.tenant || DEFAULT_TENANT, envOf),
    ...(forced ? { syntax: forced } : {}),
  };
  // Subflows: --flows DIR, else flows.dir of credflow.yaml; each is checked as this flow was, and this
  // flow's literal Subflow targets are checked against that same directory before anything runs.
  const flowsDir = values.flows ? resolve(values.flows) : store.config.flows?.dir;
  const flows = flowsDir ? new FlowDirectory(flowsDir, checks) : undefined;
  const flow = await loadFlow(file, flows ? { ...checks, flows } : checks);
  const env = envOf(flow);
  if (store.config.file === NO_CONFIG && JSON.stringify(flow.tasks).includes('credential(')) {
    io.stderr(
      'credflow warning: no credflow.yaml found (pass --config or set $CREDFLOW_CONFIG): no credentials are defined\n',
    );
  }
  const masker = new Masker();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const onLog = (e: LogEntry) => {
    const time = e.time.toISOString().slice(11, 23);
    const level = paint(io, LEVEL_COLOR[e.level as LogLevel], e.level.padEnd(5));
    io.stderr(`${paint(io, 'gray', time)} ${paint(io, 'bold', e.taskId)} ${level} ${e.message}\n`);
  };
  let execution: Execution;
  try {
    execution = await runFlow(flow, {
      store,
      inputs,
      env,
      envOf,
      masker,
      labels,
      ...(flows ? { flows } : {}),
      onLog,
      // SPEC section 6: a line when each task starts (a long Sleep or a slow token endpoint is not silent).
      onTaskStart: (run) => {
        const time = new Date().toISOString().slice(11, 23);
        const value = run.value !== undefined ? `[${masker.mask(run.value)}]` : '';
        io.stderr(
          `${paint(io, 'gray', time)} ${paint(io, 'bold', `${run.taskId}${value}`)} ${paint(io, 'gray', 'started')}\n`,
        );
      },
      signal: controller.signal,
      ...(values.tenant ? { tenantId: values.tenant } : {}),
    });
  } catch (err) {
    // Missing inputs: say the flag that gives each (SPEC section 6), here and in the --json document.
    if (err instanceof InputError) addInputHints(err, flow.inputs, inputs);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  printSummary(execution, io, masker);
  if (values.json) io.stdout(`${masker.mask(JSON.stringify(executionJson(execution), null, 2))}\n`);
  // A template that reached past the sandbox is a flow error, like one validate finds: exit 2.
  if (execution.sandboxViolation) return EXIT.USAGE;
  if (execution.state === 'KILLED') return EXIT_KILLED;
  return execution.state === 'SUCCESS' || execution.state === 'WARNING' ? EXIT.OK : EXIT.FAILED;
}

/** Exit code of a killed execution (Ctrl-C), as shells report SIGINT. */
const EXIT_KILLED = 130;

/** The `--json` document of an execution (SPEC section 6): task runs in the order created. */
function executionJson(e: Execution): Record<string, unknown> {
  return {
    id: e.id,
    flowId: e.flowId,
    namespace: e.namespace,
    tenantId: e.tenantId,
    labels: e.labels,
    state: e.state,
    startDate: e.startDate,
    endDate: e.endDate,
    taskRuns: e.taskRuns.map((r) => ({
      id: r.id,
      taskId: r.taskId,
      ...(r.parentTaskRunId !== undefined ? { parentTaskRunId: r.parentTaskRunId } : {}),
      ...(r.value !== undefined ? { value: r.value } : {}),
      state: r.state,
      attempts: r.attempts.map((a) => ({ state: a.state })),
      outputs: r.outputs,
      ...(r.error !== undefined ? { error: { code: r.errorCode ?? 'ERR_TASK_FAILED', message: r.error } } : {}),
      startDate: r.startDate,
      endDate: r.endDate,
    })),
    outputs: e.outputs,
    logs: e.logs.map((l) => ({
      ...(l.taskRunId !== undefined ? { taskRunId: l.taskRunId } : {}),
      taskId: l.taskId,
      level: l.level,
      message: l.message,
    })),
    ...(e.trigger ? { trigger: e.trigger } : {}),
    subflowExecutions: e.subflowExecutions.map(executionJson),
  };
}

/** The summary on stderr; masked whole, as a task run's value or error may come from a secret. */
function printSummary(e: Execution, io: CliIo, masker: Masker): void {
  const ok = e.state === 'SUCCESS' || e.state === 'WARNING';
  const state = paint(io, e.state === 'SUCCESS' ? 'green' : ok ? 'yellow' : 'red', e.state);
  // Parents by id: a run may hold 10,000 task runs (a lookup per ancestor was quadratic: 13 s).
  const byId = new Map(e.taskRuns.map((r) => [r.id, r]));
  const depth = (r: Execution['taskRuns'][number]): number => {
    let d = 0;
    for (let p = r.parentTaskRunId; p; p = byId.get(p)?.parentTaskRunId) d++;
    return d;
  };
  const label = (r: Execution['taskRuns'][number]) =>
    `${'  '.repeat(depth(r))}${r.taskId}${r.value !== undefined ? `[${r.value}]` : ''}`;
  const width = Math.max(4, ...e.taskRuns.map((r) => label(r).length));
  const lines = [
    `\n${e.namespace}.${e.flowId} (execution ${e.id.slice(0, 8)}, tenant ${e.tenantId}): ${state} in ${e.durationMs} ms`,
  ];
  for (const r of e.taskRuns) {
    const mark =
      r.state === 'SUCCESS'
        ? paint(io, 'green', '✓')
        : r.state === 'WARNING' || r.state === 'SKIPPED'
          ? paint(io, 'yellow', r.state === 'SKIPPED' ? '-' : '!')
          : paint(io, 'red', '✗');
    const retry = r.attempts.length > 1 ? ` (${r.attempts.length} attempts)` : '';
    lines.push(
      `  ${mark} ${label(r).padEnd(width)}  ${r.state.padEnd(7)} ${String(r.durationMs).padStart(6)} ms${retry}${r.error ? `  ${r.error}` : ''}`,
    );
  }
  for (const sub of e.subflowExecutions) {
    lines.push(
      `  subflow ${sub.namespace}.${sub.flowId} (execution ${sub.id.slice(0, 8)}, from task ${sub.trigger?.id ?? '?'}): ${sub.state}, ${sub.taskRuns.length} task run(s)`,
    );
  }
  if (ok && Object.keys(e.outputs).length) lines.push(`  outputs: ${JSON.stringify(e.outputs)}`);
  io.stderr(`${masker.mask(lines.join('\n'))}\n`);
}
