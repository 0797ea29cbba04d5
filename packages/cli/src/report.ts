import { type CliIo, EXIT } from './io.js';

/** Error codes that mean "fix your input": exit 2. Matched by code, so --help loads no library. */
const USAGE_CODES = new Set([
  'ERR_USAGE',
  'ERR_CONFIG_NOT_FOUND',
  'ERR_CONFIG_INVALID',
  'ERR_FLOW_INVALID',
  'ERR_FLOW_NOT_FOUND',
  'ERR_CREDENTIAL_NOT_FOUND',
  'ERR_INPUT_INVALID',
]);

/** Whether the arguments ask for JSON (`--json` before any `--`). */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--json' || a === '--json=true');
}

/** The exit code of an error: 2 for usage, config, flow and input errors (nothing ran), else 1. */
export function exitCodeOf(err: unknown): number {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && USAGE_CODES.has(code) ? EXIT.USAGE : EXIT.FAILED;
}

/** One located problem of a YAML file, as `--json` documents list them. */
interface JsonIssue {
  file: string;
  line?: number;
  path: string;
  message: string;
}

/** `{ code, message, issues? }` of an error, for `--json` documents. */
export function errorJson(err: unknown): { code: string; message: string; issues?: JsonIssue[] } {
  const e = err as { code?: unknown; message?: unknown; file?: unknown; issues?: unknown } | undefined;
  const code = typeof e?.code === 'string' && e.code.startsWith('ERR_') ? e.code : 'ERR_UNEXPECTED';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const issues =
    typeof e?.file === 'string' && Array.isArray(e.issues)
      ? (e.issues as { line?: number; path: string; message: string }[]).map((i) => ({
          file: e.file as string,
          ...(i.line !== undefined ? { line: i.line } : {}),
          path: i.path,
          message: i.message,
        }))
      : undefined;
  return {
    code,
    message: code === 'ERR_UNEXPECTED' ? `unexpected error: ${message}` : message,
    ...(issues ? { issues } : {}),
  };
}

export interface ReportContext {
  /** The words naming the command that failed (`['credentials', 'test']`), empty when unknown. */
  path: readonly string[];
  /** `--json` was given: the error goes to stdout as `{ "ok": false, "error": ... }`. */
  json: boolean;
  io: CliIo;
  /** Fields of the JSON document before `error` (e.g. `key`). */
  extra?: Record<string, unknown>;
}

/** Prints an error that ended a command (stderr, or one JSON document on stdout) and returns its exit code. */
export async function report(err: unknown, { path, json, io, extra }: ReportContext): Promise<number> {
  await suggestOption(err, path);
  const exit = exitCodeOf(err);
  const code = (err as { code?: unknown } | undefined)?.code;
  if (json) {
    io.stdout(`${JSON.stringify({ ok: false, ...extra, error: errorJson(err) }, null, 2)}\n`);
    return exit;
  }
  const message = (err as Error | undefined)?.message ?? String(err);
  if (code === 'ERR_USAGE') {
    const command = path[0] === 'help' ? '' : path.map((p) => `${p} `).join('');
    io.stderr(`credflow: ${message}\nRun 'credflow ${command}--help' for usage.\n`);
  } else if (typeof code === 'string' && code.startsWith('ERR_')) {
    io.stderr(`credflow: ${message}\n`);
  } else {
    // Unexpected: a message, not a stack (set CREDFLOW_DEBUG=1 for the stack).
    io.stderr(`credflow: unexpected error: ${message}\n`);
  }
  if (io.env.CREDFLOW_DEBUG) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
  return exit;
}

/**
 * Adds "did you mean" to node:util's `Unknown option '--inptu'`, from the
 * options the command's own help lists (so every command gets it, whoever
 * wrote its parser).
 */
async function suggestOption(err: unknown, path: readonly string[]): Promise<void> {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (e?.code !== 'ERR_USAGE' || typeof e.message !== 'string' || path.length === 0 || path[0] === 'help') return;
  const m = /^Unknown option '(-{1,2}[^']+)'/.exec(e.message);
  if (!m) return;
  let help = '';
  const { main } = await import('./cli.js');
  await main([...path, '--help'], {
    stdout: (t) => {
      help += t;
    },
    stderr: () => {},
    env: {},
    color: false,
  });
  const options = [...new Set(help.match(/--[a-z][\w-]*/g) ?? [])];
  const { didYouMean } = await import('@credflow/credentials-core/internal');
  const given = (m[1] as string).split('=')[0] as string;
  const hint = didYouMean(given.startsWith('--') ? given : `-${given}`, options);
  if (hint) (err as Error).message = `Unknown option '${m[1]}'${hint}${e.message.slice(m[0].length)}`;
}
