#!/usr/bin/env node
import { type CliIo, EXIT, processIo, UsageError } from './io.js';

const HELP = `credflow: live OAuth tokens for workflows

Usage:
  credflow run FLOW.yaml [--config F] [--tenant T] [--input k=v ...] [--json]
  credflow validate FLOW.yaml ... [--config F]
  credflow credentials list [--tenant T] [--namespace N] [--json]
  credflow credentials test KEY [--tenant T] [--namespace N] [--json]
  credflow secrets check [--tenant T] [--namespace N] [--json]
  credflow ui [--config F] [--port 8080] [--host 127.0.0.1]

Run 'credflow COMMAND --help' for a command's options.
Config: --config F, else $CREDFLOW_CONFIG, else ./credflow.yaml.
`;

const COMMANDS = ['run', 'validate', 'credentials', 'ui', 'help'];

/** Runs the CLI; resolves to the exit code. Commands are loaded lazily, so start-up stays small. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await (await import('./commands/run.js')).run(rest, io);
      case 'ui':
        return await (await import('./commands/ui.js')).ui(rest, io);
      case 'validate':
        return await (await import('./commands/validate.js')).validate(rest, io);
      case 'secrets':
        if (rest[0] === 'check')
          return await (await import('./commands/secrets-check.js')).secretsCheck(rest.slice(1), io);
        throw new UsageError(`unknown secrets command '${rest[0] ?? ''}' (expected check)`);
      case 'credentials': {
        const [sub, ...args] = rest;
        if (sub === 'list') return await (await import('./commands/credentials-list.js')).credentialsList(args, io);
        if (sub === 'test') return await (await import('./commands/credentials-test.js')).credentialsTest(args, io);
        if (sub === undefined || sub === '--help' || sub === '-h') {
          io.stdout(
            "Usage: credflow credentials list|test [options]\nRun 'credflow credentials list --help' or 'credflow credentials test --help'.\n",
          );
          return sub ? EXIT.OK : EXIT.USAGE;
        }
        const { didYouMean } = await import('@credflow/credentials-core/internal');
        throw new UsageError(
          `unknown credentials command '${sub}'${didYouMean(sub, ['list', 'test']) || ' (expected list or test)'}`,
        );
      }
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return EXIT.OK;
      case undefined:
        io.stderr(HELP);
        return EXIT.USAGE;
      default: {
        const { didYouMean } = await import('@credflow/credentials-core/internal');
        throw new UsageError(`unknown command '${command}'${didYouMean(command, COMMANDS)}`);
      }
    }
  } catch (err) {
    return report(err, command !== undefined && COMMANDS.includes(command) ? command : undefined, io);
  }
}

/** Error codes that mean "fix your input": exit 2. Matched by code, so --help loads no library. */
const USAGE_CODES = new Set([
  'ERR_CONFIG_NOT_FOUND',
  'ERR_CONFIG_INVALID',
  'ERR_FLOW_INVALID',
  'ERR_FLOW_NOT_FOUND',
  'ERR_CREDENTIAL_NOT_FOUND',
  'ERR_INPUT_INVALID',
]);

function report(err: unknown, command: string | undefined, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr(
      `credflow: ${err.message}\nRun 'credflow ${command && command !== 'credentials' ? `${command} ` : ''}--help' for usage.\n`,
    );
    return EXIT.USAGE;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = (err as Error | undefined)?.message ?? String(err);
  if (typeof code === 'string' && USAGE_CODES.has(code)) {
    io.stderr(`credflow: ${message}\n`);
    return EXIT.USAGE;
  }
  // Unexpected: a message, not a stack (set CREDFLOW_DEBUG=1 for the stack).
  io.stderr(
    `credflow: ${typeof code === 'string' && code.startsWith('ERR_') ? message : `unexpected error: ${message}`}\n`,
  );
  if (io.env.CREDFLOW_DEBUG) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT.FAILED;
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly || process.argv[1]?.endsWith('/credflow')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
