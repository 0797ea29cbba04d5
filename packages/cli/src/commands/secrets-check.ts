import { parseArgs } from 'node:util';
import { CredflowError, DEFAULT_TENANT, type SecretProvider } from '@credflow/credentials-core';
import { describeScope, didYouMean, SecretScopes } from '@credflow/credentials-core/internal';
import { HELP_OPTION, SCOPE_OPTIONS, usage } from '../args.js';
import { type CliIo, EXIT, paint } from '../io.js';
import { loadStore, warnUnknownTenant } from '../load-store.js';

export const SECRETS_CHECK_HELP = `Usage: credflow secrets check [options]

For every secret reference of every credential in view, says which secret
provider resolves it (or that none does), reading it in the credential's own
scope. Never prints a secret's value.

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       only this tenant's credentials (default: every tenant)
  --namespace N    only what a flow in namespace N sees (its own, its parents', the tenant's)
  --json           print JSON on stdout
  -h, --help       show this help

Exit codes: 0 every reference resolves, 1 some do not, 2 bad config or usage.
`;

/** One checked reference; `provider` is where it was found. */
interface CheckedRef {
  tenantId: string;
  namespace?: string;
  credential: string;
  field: string;
  secret: string;
  subkey?: string;
  status: 'ok' | 'missing' | 'error';
  provider?: string;
  error?: { code: string; message: string };
}

/** `credflow secrets check` (SPEC section 2): where each secret reference resolves, never its value. */
export async function secretsCheck(args: string[], io: CliIo): Promise<number> {
  const { values } = usage(() =>
    parseArgs({ args, options: { ...HELP_OPTION, ...SCOPE_OPTIONS }, allowPositionals: false, strict: true }),
  );
  if (values.help) {
    io.stdout(SECRETS_CHECK_HELP);
    return EXIT.OK;
  }
  const store = await loadStore(values.config, io);
  warnUnknownTenant(store, values.tenant, io);
  const tenantId = values.tenant ?? (values.namespace ? DEFAULT_TENANT : undefined);
  const scopes = new SecretScopes(store.config);
  const checked: CheckedRef[] = [];
  for (const c of store.list({
    ...(tenantId ? { tenantId } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  })) {
    // A credential's references resolve in its own scope: where it is defined, then up to its tenant.
    const own = { tenantId: c.tenantId, ...(c.namespace ? { namespace: c.namespace } : {}) };
    for (const ref of c.secrets) {
      const base = {
        tenantId: c.tenantId,
        ...(c.namespace ? { namespace: c.namespace } : {}),
        credential: c.key,
        ...ref,
      };
      checked.push({ ...base, ...(await locate(scopes, own, ref.secret, ref.subkey)) });
    }
  }
  if (values.json) {
    io.stdout(`${JSON.stringify(checked, null, 2)}\n`);
  } else if (checked.length === 0) {
    io.stdout('no secret references\n');
  } else {
    const rows = checked.map((r) => [
      r.credential,
      r.namespace ? `${r.tenantId}/${r.namespace}` : r.tenantId,
      r.field,
      `${r.secret}${r.subkey ? `.${r.subkey}` : ''}`,
      r.status,
      r.provider ?? r.error?.message ?? '',
    ]);
    const head = ['CREDENTIAL', 'SCOPE', 'FIELD', 'SECRET', 'STATUS', 'PROVIDER'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const cell = (v: string, i: number) => {
      const padded = i === head.length - 1 ? v : v.padEnd(widths[i] ?? 0);
      return i === 4 && v !== 'STATUS' ? paint(io, v === 'ok' ? 'green' : 'red', padded) : padded;
    };
    const line = (r: string[]) => r.map(cell).join('  ');
    io.stdout(`${paint(io, 'bold', line(head))}\n${rows.map(line).join('\n')}\n`);
  }
  return checked.every((r) => r.status === 'ok') ? EXIT.OK : EXIT.FAILED;
}

/** Asks the scope's providers in order; the value read is checked for the subkey and dropped at once. */
async function locate(
  scopes: SecretScopes,
  scope: { tenantId: string; namespace?: string },
  name: string,
  subkey: string | undefined,
): Promise<Pick<CheckedRef, 'status' | 'provider' | 'error'>> {
  const label = describeScope(scope);
  try {
    for (const p of scopes.providers(scope)) {
      const value = await p.get(name, { scope: label });
      if (value === undefined) continue;
      if (subkey !== undefined && !hasSubkey(value, subkey)) {
        return {
          status: 'missing',
          error: { code: 'ERR_SECRET_NOT_FOUND', message: `${p.description} has it, without subkey '${subkey}'` },
        };
      }
      return { status: 'ok', provider: p.description };
    }
    return {
      status: 'missing',
      error: {
        code: 'ERR_SECRET_NOT_FOUND',
        message: `no provider of ${label} holds it${didYouMean(name, await listNames(scopes.providers(scope)))}`,
      },
    };
  } catch (err) {
    const e = err instanceof CredflowError ? err : undefined;
    return { status: 'error', error: { code: e?.code ?? 'ERR_UNEXPECTED', message: e?.message ?? 'unexpected error' } };
  }
}

/** The names the providers can list (never values), for "did you mean". */
async function listNames(providers: readonly SecretProvider[]): Promise<string[]> {
  const names: string[] = [];
  for (const p of providers) {
    try {
      names.push(...((await p.list?.()) ?? []));
    } catch {
      // no suggestion from a provider that cannot list
    }
  }
  return names;
}

function hasSubkey(value: string, subkey: string): boolean {
  try {
    const v: unknown = JSON.parse(value);
    return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, subkey);
  } catch {
    return false;
  }
}
