import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { HELP_OPTION, usage } from '../args.js';
import { type CliIo, EXIT } from '../io.js';

export const VERSION_HELP = `Usage: credflow version [options]
       credflow --version | -V

Prints the version of credflow (and of Node.js it runs on).

Options:
  --json           print { "version", "node" } on stdout
  -h, --help       show this help
`;

/** `credflow --version`, `-V`, `version`. */
export async function version(args: string[], io: CliIo): Promise<number> {
  const { values } = usage(() =>
    parseArgs({ args, options: { ...HELP_OPTION, json: { type: 'boolean' } }, allowPositionals: false, strict: true }),
  );
  if (values.help) {
    io.stdout(VERSION_HELP);
    return EXIT.OK;
  }
  const v = await cliVersion();
  io.stdout(values.json ? `${JSON.stringify({ version: v, node: process.version })}\n` : `credflow ${v}\n`);
  return EXIT.OK;
}

/**
 * The version in @credflow/cli's package.json, found from this module
 * upwards (dist/bin/credflow.js, dist/commands/version.js or src/ in tests).
 */
export async function cliVersion(): Promise<string> {
  for (const up of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@credflow/cli' && pkg.version) return pkg.version;
    } catch {
      // not here: one level up
    }
  }
  return 'unknown';
}
