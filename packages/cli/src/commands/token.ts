import { parseArgs } from 'node:util';
import { Masker } from '@credflow/credentials-core';
import { HELP_OPTION, SCOPE_OPTIONS, usage } from '../args.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { loadStore, warnUnknownTenant } from '../load-store.js';
import { resolveKey, suggestSecret } from '../suggest.js';
import { TokenWaits } from '../token-waits.js';

export const TOKEN_HELP = `Usage: credflow token KEY [options]

Prints a live access token for credential KEY on stdout, and only it (one
line), as 'gcloud auth print-access-token' and 'gh auth token' do:

  curl -H "Authorization: Bearer $(credflow token my_api)" https://api.example.com/

Errors go to stderr (tokens and secrets masked); stdout is then empty.

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       tenant (default: main)
  --namespace N    namespace whose view to use
  -h, --help       show this help

Exit codes: 0 printed, 1 the token could not be minted, 2 unknown key, bad config or usage.
`;

const { json: _json, ...TOKEN_OPTIONS } = SCOPE_OPTIONS;

/** `credflow token KEY`: the live token on stdout, for scripts. */
export async function token(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({ args, options: { ...HELP_OPTION, ...TOKEN_OPTIONS }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    io.stdout(TOKEN_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? 'token takes one credential key' : 'token needs a credential key');
  const key = positionals[0] as string;
  // A notice on stderr while the token endpoint is slow or retried; stdout holds the token only.
  const waits = new TokenWaits(io);
  try {
    return await printToken(key, values, waits);
  } finally {
    waits.close();
  }
}

async function printToken(
  key: string,
  values: { config?: string | undefined; tenant?: string | undefined; namespace?: string | undefined },
  waits: TokenWaits,
): Promise<number> {
  const io = waits.io;
  const store = await loadStore(values.config, io);
  waits.watch(store);
  warnUnknownTenant(store, values.tenant, io);
  const scope = {
    ...(values.tenant ? { tenantId: values.tenant } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  };
  const resolved = resolveKey(store, key, scope);
  const masker = new Masker();
  store.onSensitiveValue(masker.add);
  let value: string;
  try {
    value = await store.getToken(key, scope);
  } catch (err) {
    await suggestSecret(err, store, resolved);
    masker.maskError(err);
    throw err;
  } finally {
    await store.close();
  }
  io.stdout(`${value}\n`);
  return EXIT.OK;
}
