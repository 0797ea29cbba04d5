import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import { Masker } from '@credflow/credentials-core';
import { HELP_OPTION, SCOPE_OPTIONS, usage } from '../args.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { loadStore, warnUnknownTenant } from '../load-store.js';
import { MaskedStream, StreamMasks } from '../masked-stream.js';
import { resolveKey, suggestSecret } from '../suggest.js';
import { TokenWaits } from '../token-waits.js';

export const EXEC_HELP = `Usage: credflow exec --env VAR=KEY [--env VAR=KEY ...] [options] -- COMMAND [ARGS...]

Runs COMMAND with a live access token of credential KEY in its environment
variable VAR (one --env per variable), as 'aws-vault exec' and 'op run' do:

  credflow exec --env API_TOKEN=my_api -- sh -c 'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/'

Every token is minted before COMMAND starts. COMMAND's stdout and stderr
pass through credflow, which masks the tokens in them (******), whatever
way COMMAND writes them: output that could be the start of a token waits
until more output (or COMMAND's end) shows it is not; stdin is
COMMAND's own. Signals (Ctrl-C, SIGTERM, SIGHUP) are passed on to COMMAND,
and its exit code is credflow's (128+N when signal N ended it).

Options:
  --env VAR=KEY    put a token of credential KEY in variable VAR; repeat for more
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       tenant (default: main)
  --namespace N    namespace whose view to use
  -h, --help       show this help

Exit codes: COMMAND's, or 1 a token could not be minted, 2 unknown key, bad
config or usage, 126 COMMAND cannot be run, 127 COMMAND not found.
`;

const { json: _json, ...SCOPE } = SCOPE_OPTIONS;
const OPTIONS = { ...HELP_OPTION, ...SCOPE, env: { type: 'string', multiple: true } } as const;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Signals passed on to the command. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** `credflow exec --env VAR=KEY -- COMMAND`: a command with live tokens in its environment, its output masked. */
export async function exec(args: string[], io: CliIo): Promise<number> {
  const [own, command] = splitCommand(args);
  const { values } = usage(() => parseArgs({ args: own, options: OPTIONS, allowPositionals: false, strict: true }));
  if (values.help) {
    io.stdout(EXEC_HELP);
    return EXIT.OK;
  }
  const pairs = (values.env ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    const variable = pair.slice(0, eq);
    const key = pair.slice(eq + 1);
    if (eq < 1 || !key) throw new UsageError(`--env '${pair}' must be VAR=KEY (a variable name and a credential key)`);
    if (!VARIABLE.test(variable)) throw new UsageError(`--env: '${variable}' is not a variable name`);
    return { variable, key };
  });
  if (pairs.length === 0) throw new UsageError('exec needs at least one --env VAR=KEY');
  if (command.length === 0) throw new UsageError("exec needs a command after '--'");
  // A notice on stderr while a token endpoint is slow or retried, before the command starts.
  const waits = new TokenWaits(io);
  const minted = await mintAll(pairs, values, waits).finally(() => waits.close());
  return runMasked(command, minted.env, minted.masks, io);
}

/** The command's environment with a live token in each variable, and the masker that hides them. */
async function mintAll(
  pairs: { variable: string; key: string }[],
  values: { config?: string | undefined; tenant?: string | undefined; namespace?: string | undefined },
  waits: TokenWaits,
): Promise<{ env: NodeJS.ProcessEnv; masks: StreamMasks }> {
  const io = waits.io;
  const store = await loadStore(values.config, io);
  waits.watch(store);
  warnUnknownTenant(store, values.tenant, io);
  const scope = {
    ...(values.tenant ? { tenantId: values.tenant } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  };
  const resolved = pairs.map((p) => ({ ...p, credential: resolveKey(store, p.key, scope) }));
  const masker = new Masker();
  const sensitive: string[] = [];
  store.onSensitiveValue((v) => {
    masker.add(v);
    sensitive.push(v);
  });
  const env: NodeJS.ProcessEnv = { ...io.env };
  try {
    for (const p of resolved) {
      try {
        env[p.variable] = await store.getToken(p.key, scope);
      } catch (err) {
        await suggestSecret(err, store, p.credential);
        throw masker.maskError(err);
      }
    }
  } finally {
    await store.close();
  }
  return { env, masks: new StreamMasks(masker, sensitive) };
}

/**
 * credflow's own arguments and the command: everything after `--`, or
 * from the first argument that is neither an option nor an option's value.
 */
function splitCommand(args: string[]): [string[], string[]] {
  const dashes = args.indexOf('--');
  if (dashes !== -1) return [args.slice(0, dashes), args.slice(dashes + 1)];
  const valued = new Set(['--env', '--config', '--tenant', '--namespace']);
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith('-')) i += valued.has(args[i] as string) ? 2 : 1;
  return [args.slice(0, i), args.slice(i)];
}

function runMasked(command: string[], env: NodeJS.ProcessEnv, masks: StreamMasks, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0] as string, command.slice(1), { env, stdio: ['inherit', 'pipe', 'pipe'] });
    const out = new MaskedStream(masks, io.bytes?.stdout ?? textWriter(io.stdout));
    const err = new MaskedStream(masks, io.bytes?.stderr ?? textWriter(io.stderr));
    child.stdout.on('data', out.write);
    child.stderr.on('data', err.write);
    const forward = (signal: NodeJS.Signals) => () => {
      child.kill(signal);
    };
    const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = (code: number) => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      out.end();
      err.end();
      resolve(code);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      const notFound = e.code === 'ENOENT';
      io.stderr(
        `credflow: ${notFound ? 'command not found' : `cannot run command (${e.code ?? e.message})`}: ${command[0]}\n`,
      );
      done(notFound ? 127 : 126);
    });
    child.on('close', (code, signal) => {
      done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : EXIT.FAILED));
    });
  });
}

/** A byte writer onto a text one: a UTF-8 character split across two writes is written whole. */
function textWriter(write: (text: string) => void): (data: Uint8Array) => void {
  const decoder = new StringDecoder('utf8');
  return (data) => {
    const text = decoder.write(Buffer.from(data));
    if (text) write(text);
  };
}
