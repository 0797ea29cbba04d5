import { parseArgs } from 'node:util';
import { DEFAULT_TENANT, Masker } from '@credflow/credentials-core';
import type { Execution, LogEntry, LogLevel } from '@credflow/flow-runner';
import { createTemplateEnvironment, flowTemplateChecker, loadFlow, runFlow } from '@credflow/flow-runner';
import { CONFIG_OPTION, HELP_OPTION, usage } from '../args.js';
import { parseInputArgs } from '../input-args.js';
import { type CliIo, EXIT, paint, UsageError } from '../io.js';
import { loadStore, NO_CONFIG, warnUnknownTenant } from '../load-store.js';
import { startOtelExport, wantsOtel } from '../otel-export.js';

export const RUN_HELP = `Usage: credflow run FLOW.yaml [options]

Runs a flow. Log lines go to stderr; with --json, stdout holds one JSON document.

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       tenant to run in (default: main)
  --input k=v      input value; repeat for more inputs. Keep secrets out of argv
                   with k=@env:VAR (environment variable VAR) or k=@file:PATH
                   (the file, one trailing newline trimmed, at most 1 MiB);
                   k=@@x is the literal value @x
  --json           print the execution as JSON on stdout
  --otel           export spans and metrics over OTLP/HTTP to
                   $OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318);
                   also on when that variable is set
  -h, --help       show this help

Exit codes: 0 SUCCESS, 1 FAILED, 2 usage, config or flow error (before any task
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
  // Registered before the store exists, so its first mint is exported too.
  const otel = wantsOtel(values.otel, io.env) ? await startOtelExport(io.env) : undefined;
  try {
    return await runWith(positionals[0] as string, values, inputs, io);
  } finally {
    await otel?.shutdown();
  }
}

async function runWith(
  file: string,
  values: { config?: string | undefined; tenant?: string | undefined; json?: boolean | undefined },
  inputs: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const store = await loadStore(values.config, io);
  warnUnknownTenant(store, values.tenant, io);
  const env = createTemplateEnvironment(store);
  const flow = await loadFlow(file, {
    checkTemplate: flowTemplateChecker(env, store, values.tenant || DEFAULT_TENANT, store.config.file !== NO_CONFIG),
  });
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
      masker,
      onLog,
      signal: controller.signal,
      ...(values.tenant ? { tenantId: values.tenant } : {}),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  printSummary(execution, io);
  if (values.json) {
    const doc = {
      id: execution.id,
      flowId: execution.flowId,
      namespace: execution.namespace,
      tenantId: execution.tenantId,
      state: execution.state,
      taskRuns: execution.taskRuns.map((r) => ({
        taskId: r.taskId,
        state: r.state,
        outputs: r.outputs,
        ...(r.error !== undefined ? { error: r.error } : {}),
      })),
      outputs: execution.outputs,
    };
    io.stdout(`${masker.mask(JSON.stringify(doc, null, 2))}\n`);
  }
  // A template that reached past the sandbox is a flow error, like one validate finds: exit 2.
  if (execution.sandboxViolation) return EXIT.USAGE;
  return execution.state === 'SUCCESS' ? EXIT.OK : EXIT.FAILED;
}

function printSummary(e: Execution, io: CliIo): void {
  const ok = e.state === 'SUCCESS';
  const state = paint(io, ok ? 'green' : 'red', e.state);
  const width = Math.max(4, ...e.taskRuns.map((r) => r.taskId.length));
  const lines = [
    `\n${e.namespace}.${e.flowId} (execution ${e.id.slice(0, 8)}, tenant ${e.tenantId}): ${state} in ${e.durationMs} ms`,
  ];
  for (const r of e.taskRuns) {
    const mark = r.state === 'SUCCESS' ? paint(io, 'green', '✓') : paint(io, 'red', '✗');
    const retry = r.attempts > 1 ? ' (retried after HTTP 401)' : '';
    lines.push(
      `  ${mark} ${r.taskId.padEnd(width)}  ${r.state.padEnd(7)} ${String(r.durationMs).padStart(6)} ms${retry}${r.error ? `  ${r.error}` : ''}`,
    );
  }
  if (ok && Object.keys(e.outputs).length) lines.push(`  outputs: ${JSON.stringify(e.outputs)}`);
  io.stderr(`${lines.join('\n')}\n`);
}
