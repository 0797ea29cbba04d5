import { parseArgs } from 'node:util';
import { DEFAULT_TENANT } from '@credflow/credentials-core';
import { formatDuration } from '@credflow/credentials-core/internal';
import { HELP_OPTION, SCOPE_OPTIONS, usage } from '../args.js';
import { type CliIo, EXIT, paint } from '../io.js';
import { loadStore, warnUnknownTenant } from '../load-store.js';

export const LIST_HELP = `Usage: credflow credentials list [options]

Lists credentials: key, level, namespace, type, endpoint, cache settings and
the names of the secrets they reference (never secret values).

Options:
  --config F       credflow.yaml to use (default: $CREDFLOW_CONFIG, else ./credflow.yaml)
  --tenant T       only this tenant
  --namespace N    only what a flow in namespace N sees (namespace first, then tenant)
  --json           print JSON on stdout
  -h, --help       show this help
`;

export async function credentialsList(args: string[], io: CliIo): Promise<number> {
  const { values } = usage(() =>
    parseArgs({
      args,
      options: {
        ...HELP_OPTION,
        ...SCOPE_OPTIONS,
      },
      allowPositionals: false,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout(LIST_HELP);
    return EXIT.OK;
  }
  const store = await loadStore(values.config, io);
  warnUnknownTenant(store, values.tenant, io);
  const tenantId = values.tenant ?? (values.namespace ? DEFAULT_TENANT : undefined);
  const list = store.list({
    ...(tenantId ? { tenantId } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  });
  if (values.json) {
    io.stdout(
      `${JSON.stringify(
        list.map((c) => ({
          ...c,
          cache: { enabled: c.cache.enabled, refreshBeforeExpiry: formatDuration(c.cache.refreshBeforeExpiry) },
        })),
        null,
        2,
      )}\n`,
    );
    return EXIT.OK;
  }
  if (list.length === 0) {
    io.stdout('no credentials\n');
    return EXIT.OK;
  }
  const rows = list.map((c) => [
    c.key,
    c.tenantId,
    c.level === 'namespace' ? `namespace ${c.namespace}` : 'tenant',
    c.type,
    c.cache.enabled ? `on, refresh ${formatDuration(c.cache.refreshBeforeExpiry)} early` : 'off',
    c.secrets.map((s) => `${s.field}=${s.secret}${s.subkey ? `.${s.subkey}` : ''}`).join(' '),
    c.endpoint,
  ]);
  const head = ['KEY', 'TENANT', 'LEVEL', 'TYPE', 'CACHE', 'SECRETS', 'ENDPOINT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ');
  io.stdout(`${paint(io, 'bold', line(head))}\n${rows.map(line).join('\n')}\n`);
  return EXIT.OK;
}
