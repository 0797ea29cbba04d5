import { parseArgs } from 'node:util';
import { type CredentialStore, CredflowError, Masker } from '@credflow/credentials-core';
import { formatDuration } from '@credflow/credentials-core/internal';
import { HELP_OPTION, SCOPE_OPTIONS, usage } from '../args.js';
import { type CliIo, EXIT, paint, UsageError } from '../io.js';
import { loadStore, warnUnknownTenant } from '../load-store.js';
import { errorJson, exitCodeOf } from '../report.js';
import { resolveKey, suggestSecret } from '../suggest.js';

export const TEST_HELP = `Usage: credflow credentials test KEY [options]

Mints a token now (bypassing the cache) and reports token type, lifetime,
expiry, granted scopes and how long it took. Never prints the token.

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       tenant (default: main)
  --namespace N    namespace whose view to use
  --json           print JSON on stdout
  -h, --help       show this help

Exit codes: 0 ok, 1 the token could not be minted, 2 unknown key or bad config.
`;

export async function credentialsTest(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      options: {
        ...HELP_OPTION,
        ...SCOPE_OPTIONS,
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout(TEST_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError('credentials test needs one credential key');
  const key = positionals[0] as string;
  let store: CredentialStore;
  let resolved: ReturnType<CredentialStore['resolve']>;
  const scope = {
    ...(values.tenant ? { tenantId: values.tenant } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  };
  try {
    store = await loadStore(values.config, io);
    warnUnknownTenant(store, values.tenant, io);
    resolved = resolveKey(store, key, scope); // unknown key: CredentialNotFoundError, exit 2
  } catch (err) {
    // Config errors and unknown keys: with --json, the same document as a failed mint (exit 2).
    if (!values.json) throw err;
    io.stdout(`${JSON.stringify({ ok: false, key, error: errorJson(err) })}\n`);
    return exitCodeOf(err);
  }
  // Everything printed goes through one masker that hears every value the mint produces or sends:
  // a server may echo the secret, the client_secret_basic header or the assertion in scope or error text.
  const masker = new Masker();
  store.onSensitiveValue(masker.add);
  const print = (text: string) => io.stdout(masker.mask(text));
  // Values masked before serialising (so the JSON stays valid), the text masked again after.
  const printJson = (doc: Record<string, unknown>) => print(`${JSON.stringify(masker.maskDeep(doc))}\n`);
  const started = performance.now();
  try {
    const info = await store.test(key, scope);
    if (values.json) {
      printJson({
        ok: true,
        key,
        type: info.type,
        scope: info.scope,
        tokenType: info.tokenType,
        expiresIn: info.expiresIn,
        expiresAt: info.expiresAt,
        ...(info.scopes ? { scopes: info.scopes } : {}),
        ...(info.endpoint ? { endpoint: info.endpoint } : {}),
        ...(info.certificateThumbprint
          ? { certificateThumbprint: info.certificateThumbprint, certificateBound: info.certificateBound ?? null }
          : {}),
        durationMs: info.durationMs,
      });
    } else {
      const where = info.scope === 'namespace' ? `namespace ${info.namespace}` : `tenant ${info.tenantId}`;
      print(
        [
          `${paint(io, 'green', '✓')} ${key} (${info.type}, ${where}): token minted in ${info.durationMs} ms`,
          `  token type  ${info.tokenType}`,
          `  lifetime    ${info.expiresIn} s (${formatDuration(info.expiresIn * 1000)})`,
          `  expires at  ${info.expiresAt}`,
          `  scopes      ${info.scopes?.length ? info.scopes.join(' ') : '(not reported by the server)'}`,
          ...(info.endpoint ? [`  endpoint    ${info.endpoint}`] : []),
          ...(info.certificateThumbprint
            ? [
                `  mTLS        certificate x5t#S256 ${info.certificateThumbprint}, token ${info.certificateBound === true ? 'bound to it (RFC 8705)' : info.certificateBound === false ? 'not bound' : 'binding not reported'}`,
              ]
            : []),
          '',
        ].join('\n'),
      );
    }
    return EXIT.OK;
  } catch (err) {
    await suggestSecret(err, store, resolved);
    const e = err as CredflowError & { status?: number };
    const code = e instanceof CredflowError ? e.code : 'ERR_UNEXPECTED';
    if (values.json) {
      printJson({
        ok: false,
        key,
        error: { ...errorJson(e), ...(typeof e.status === 'number' ? { status: e.status } : {}) },
      });
    } else {
      print(
        `${paint(io, 'red', '✗')} ${key} (${resolved.definition.type}): ${e.message} [${code}] after ${Math.round(performance.now() - started)} ms\n`,
      );
    }
    return EXIT.FAILED;
  }
}
