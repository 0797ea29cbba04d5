#!/usr/bin/env node
import { type CliIo, EXIT, processIo, UsageError } from './io.js';
import { report, wantsJson } from './report.js';

export const HELP = `credflow: live OAuth tokens for workflows

Usage:
  credflow run FLOW.yaml [--config F] [--tenant T] [--input k=v ...] [--json]
  credflow validate FLOW.yaml ... [--config F] [--tenant T] [--json]
  credflow credentials list [--tenant T] [--namespace N] [--json]
  credflow credentials test KEY [--tenant T] [--namespace N] [--json]
  credflow secrets check [--tenant T] [--namespace N] [--json]
  credflow token KEY [--tenant T] [--namespace N]
  credflow exec --env VAR=KEY [--env ...] [--tenant T] [--namespace N] -- COMMAND [ARGS...]
  credflow init [DIR]
  credflow ui [--config F] [--port 8080] [--host 127.0.0.1]
  credflow help COMMAND
  credflow --version

Run 'credflow help COMMAND' or 'credflow COMMAND --help' for a command's options.
Config: --config F, else $CREDFLOW_CONFIG, else ./credflow.yaml.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

/** A command with subcommands (`credentials list`), and its own help. */
interface Group {
  help: string;
  subcommands: Record<string, Command>;
}

const GROUPS: Record<string, Group> = {
  credentials: {
    help: `Usage: credflow credentials list|test [options]

Commands:
  list        key, scope level, type and cache settings of every credential (never secrets)
  test KEY    mint a token now and report its type, lifetime and scopes (never the token)

Run 'credflow credentials list --help' or 'credflow credentials test --help'.
`,
    subcommands: {
      list: async (a, io) => (await import('./commands/credentials-list.js')).credentialsList(a, io),
      test: async (a, io) => (await import('./commands/credentials-test.js')).credentialsTest(a, io),
    },
  },
  secrets: {
    help: `Usage: credflow secrets check [options]

Commands:
  check       which secret provider resolves each secret reference (never a value)

Run 'credflow secrets check --help'.
`,
    subcommands: {
      check: async (a, io) => (await import('./commands/secrets-check.js')).secretsCheck(a, io),
    },
  },
};

/** Commands are loaded lazily, so start-up (and --help) stays small. */
const COMMANDS: Record<string, Command> = {
  run: async (a, io) => (await import('./commands/run.js')).run(a, io),
  validate: async (a, io) => (await import('./commands/validate.js')).validate(a, io),
  ui: async (a, io) => (await import('./commands/ui.js')).ui(a, io),
  token: async (a, io) => (await import('./commands/token.js')).token(a, io),
  exec: async (a, io) => (await import('./commands/exec.js')).exec(a, io),
  init: async (a, io) => (await import('./commands/init.js')).init(a, io),
  version: async (a, io) => (await import('./commands/version.js')).version(a, io),
  help: (a, io) => help(a, io),
};

/** Every command name, for "did you mean". */
const NAMES = [...Object.keys(COMMANDS), ...Object.keys(GROUPS)];

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  // The words that name the command (`credentials test`), for the help hint of an error.
  let path = command && NAMES.includes(command) ? [command] : [];
  try {
    if (command === undefined) {
      io.stderr(HELP);
      return EXIT.USAGE;
    }
    if (command === '--help' || command === '-h') {
      io.stdout(HELP);
      return EXIT.OK;
    }
    if (command === '--version' || command === '-V') return await (COMMANDS.version as Command)(rest, io);
    const group = GROUPS[command];
    if (group) {
      const [sub, ...args] = rest;
      const run = sub === undefined ? undefined : group.subcommands[sub];
      if (run) {
        path = [command, sub as string];
        return await run(args, io);
      }
      if (sub === '--help' || sub === '-h') {
        io.stdout(group.help);
        return EXIT.OK;
      }
      if (sub === undefined || sub.startsWith('-')) {
        if (wantsJson(rest)) throw new UsageError(`${command} needs a command: ${listOf(group)}`);
        io.stderr(group.help);
        return EXIT.USAGE;
      }
      const { didYouMean } = await import('@credflow/credentials-core/internal');
      const names = Object.keys(group.subcommands);
      throw new UsageError(
        `unknown ${command} command '${sub}'${didYouMean(sub, names) || ` (expected ${listOf(group)})`}`,
      );
    }
    const run = COMMANDS[command];
    if (run) return await run(rest, io);
    const { didYouMean } = await import('@credflow/credentials-core/internal');
    throw new UsageError(`unknown command '${command}'${didYouMean(command, NAMES)}`);
  } catch (err) {
    // exec has no --json: what follows its options is the command's own.
    return report(err, { path, json: command !== 'exec' && wantsJson(rest), io });
  }
}

function listOf(group: Group): string {
  const names = Object.keys(group.subcommands);
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** `credflow help [COMMAND [SUBCOMMAND]]`: that command's own help. */
async function help(args: string[], io: CliIo): Promise<number> {
  const [command, sub, ...extra] = args;
  if (command === undefined) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  const group = GROUPS[command];
  if (group) {
    if (sub === undefined) {
      io.stdout(group.help);
      return EXIT.OK;
    }
    const run = group.subcommands[sub];
    if (run && extra.length === 0) return run(['--help'], io);
    const { didYouMean } = await import('@credflow/credentials-core/internal');
    throw new UsageError(
      `help: unknown ${command} command '${[sub, ...extra].join(' ')}'${didYouMean(sub, Object.keys(group.subcommands)) || ` (expected ${listOf(group)})`}`,
    );
  }
  const run = COMMANDS[command];
  if (run && sub === undefined) return command === 'help' ? help([], io) : run(['--help'], io);
  const { didYouMean } = await import('@credflow/credentials-core/internal');
  throw new UsageError(
    run ? `help: '${command}' has no subcommands` : `help: unknown command '${command}'${didYouMean(command, NAMES)}`,
  );
}

// Run as a script (`node dist/cli.js`). The `credflow` command itself is
// dist/bin/credflow.js, which loads the bundle and calls `main`
// (code-cache.ts), so the bundle's copy of this module must not run it too.
const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
