import { parseArgs } from 'node:util';
import { DEFAULT_TENANT, YamlFileError } from '@credflow/credentials-core';
import { loadFlow, templateEnvironments } from '@credflow/flow-runner';
import { CONFIG_OPTION, HELP_OPTION, usage } from '../args.js';
import { flowChecker } from '../flow-checks.js';
import { type CliIo, EXIT, paint, UsageError } from '../io.js';
import { loadStore, warnUnknownTenant } from '../load-store.js';
import { errorJson } from '../report.js';

export const VALIDATE_HELP = `Usage: credflow validate FLOW.yaml... [options]

Checks flows without running them: schema, task types, ids, inputs, template
syntax, sandbox refusals, unknown functions, filters, tests and variables,
references to undeclared inputs, variables and task outputs, credential
keys the flow's namespace does not see, and secret names its env and file
secret providers do not hold (with "did you mean"). Every problem names the
file, the YAML path and the line.

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       tenant whose credentials the flows use (default: main)
  --json           print { "ok", "files": [{ "file", "ok", "flow"?, "error"? }] } on stdout
  -h, --help       show this help

Exit codes: 0 all valid, 2 any problem.
`;

export async function validate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      options: { ...HELP_OPTION, ...CONFIG_OPTION, tenant: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError('validate needs at least one flow file');
  const store = await loadStore(values.config, io);
  warnUnknownTenant(store, values.tenant, io);
  const envOf = templateEnvironments(store);
  const checkTemplate = await flowChecker(store, values.tenant || DEFAULT_TENANT, envOf);
  let bad = 0;
  const files: Record<string, unknown>[] = [];
  for (const file of positionals) {
    try {
      const forced = store.config.templates.syntax;
      const flow = await loadFlow(file, {
        checkTemplate,
        ...(forced ? { syntax: forced } : {}),
      });
      files.push({ file, ok: true, flow: `${flow.namespace}.${flow.id}`, tasks: flow.tasks.length });
      if (!values.json) {
        io.stdout(`${paint(io, 'green', '✓')} ${file}: ${flow.namespace}.${flow.id}, ${flow.tasks.length} task(s)\n`);
      }
    } catch (err) {
      if (!(err instanceof YamlFileError)) throw err;
      bad++;
      files.push({ file, ok: false, error: errorJson(err) });
      if (!values.json) io.stdout(`${paint(io, 'red', '✗')} ${err.message}\n`);
    }
  }
  if (values.json) io.stdout(`${JSON.stringify({ ok: bad === 0, files }, null, 2)}\n`);
  return bad ? EXIT.USAGE : EXIT.OK;
}
