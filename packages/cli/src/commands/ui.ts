import { parseArgs } from 'node:util';
import { findConfigPath } from '@credflow/credentials-core';
import { CONFIG_OPTION, HELP_OPTION, usage } from '../args.js';
import { type CliIo, EXIT, UsageError } from '../io.js';

export const UI_HELP = `Usage: credflow ui [options]

Serves a local web app over credflow.yaml: credentials by tenant and
namespace, a form to create or edit one (secret fields take secret
references only), Test connection before saving, and Save (keeps the
file's comments and layout). Every API call needs the session key printed
at start; cross-origin requests are refused.

Options:
  --config F       credflow.yaml to manage (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --port P         port (default: 8080; 0 picks a free one)
  --host H         interface (default: 127.0.0.1, loopback only)
  -h, --help       show this help
`;

export async function ui(args: string[], io: CliIo): Promise<number> {
  const { values } = usage(() =>
    parseArgs({
      args,
      options: { ...HELP_OPTION, ...CONFIG_OPTION, port: { type: 'string' }, host: { type: 'string' } },
      allowPositionals: false,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout(UI_HELP);
    return EXIT.OK;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port '${values.port}' is not a port number`);
  const { startUi } = await import('@credflow/ui');
  const configPath = findConfigPath(values.config, io.env);
  let server: Awaited<ReturnType<typeof startUi>>;
  try {
    server = await startUi({
      configPath,
      port,
      ...(values.host ? { host: values.host } : {}),
      logger: { warn: (m) => io.stderr(`credflow warning: ${m}\n`) },
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new UsageError(
        `cannot listen on ${values.host ?? '127.0.0.1'}:${port} (${code}): choose another --port or --host`,
      );
    }
    throw err;
  }
  io.stdout(
    `credflow ui: managing ${configPath}\n  open ${server.url}\n  (every API call needs this session key; Ctrl-C stops the server)\n`,
  );
  if (values.host && !['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
    io.stderr(
      `credflow warning: listening on ${values.host}: anyone who can reach it and has the key can mint tokens\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.OK;
}
