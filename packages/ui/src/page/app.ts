// The credflow UI page: plain TypeScript over the DOM, no framework.
// Every API call carries the session key; no response holds a token or a
// secret value, and secret fields accept only secret references.

type Kind = 'text' | 'number' | 'secret' | 'select' | 'list' | 'permissions' | 'textOrSecret';

interface Field {
  name: string;
  label: string;
  kind: Kind;
  options?: string[];
  placeholder?: string;
  required?: boolean;
}

interface SecretRef {
  secret: string;
  subkey?: string;
}

interface Summary {
  key: string;
  tenantId: string;
  level: 'tenant' | 'namespace';
  namespace?: string;
  type: string;
  endpoint: string;
  cache: { enabled: boolean; refreshBeforeExpiry: number };
  secrets: { field: string; secret: string; subkey?: string }[];
}

interface ListResponse {
  file: string;
  types: string[];
  secretNames: string[];
  providers: string[];
  tenants: { id: string; credentials: Summary[]; namespaces: { id: string; credentials: Summary[] }[] }[];
}

interface Issue {
  path: string;
  message: string;
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const FIELDS: Record<string, Field[]> = {
  client_credentials: [
    {
      name: 'tokenEndpoint',
      label: 'Token endpoint',
      kind: 'text',
      required: true,
      placeholder: 'https://idp.example.com/oauth2/token',
    },
    { name: 'clientId', label: 'Client id', kind: 'text', required: true },
    { name: 'clientSecret', label: 'Client secret (secret reference)', kind: 'secret', required: true },
    {
      name: 'clientAuthMethod',
      label: 'Client authentication',
      kind: 'select',
      options: ['client_secret_basic', 'client_secret_post'],
    },
    { name: 'scopes', label: 'Scopes', kind: 'list', placeholder: 'api:read api:write' },
    { name: 'audience', label: 'Audience', kind: 'text' },
    { name: 'resource', label: 'Resource (RFC 8707)', kind: 'text' },
  ],
  private_key_jwt: [
    { name: 'tokenEndpoint', label: 'Token endpoint', kind: 'text', required: true },
    { name: 'clientId', label: 'Client id', kind: 'text', required: true },
    { name: 'privateKey', label: 'Private key (secret reference)', kind: 'secret', required: true },
    { name: 'certificate', label: 'Certificate (secret reference, optional)', kind: 'secret' },
    { name: 'keyId', label: 'Key id (kid)', kind: 'text' },
    { name: 'algorithm', label: 'Algorithm', kind: 'select', options: ALGORITHMS },
    { name: 'scopes', label: 'Scopes', kind: 'list', placeholder: 'api://x/.default' },
    { name: 'audience', label: 'Assertion audience', kind: 'text', placeholder: '(token endpoint)' },
  ],
  jwt_bearer: [
    { name: 'tokenEndpoint', label: 'Token endpoint', kind: 'text', required: true },
    { name: 'issuer', label: 'Issuer (text or secret reference)', kind: 'textOrSecret', required: true },
    { name: 'subject', label: 'Subject (default: issuer)', kind: 'textOrSecret' },
    { name: 'audience', label: 'Audience', kind: 'text', placeholder: '(token endpoint)' },
    { name: 'privateKey', label: 'Private key (secret reference)', kind: 'secret', required: true },
    { name: 'keyId', label: 'Key id (text or secret reference)', kind: 'textOrSecret' },
    { name: 'algorithm', label: 'Algorithm', kind: 'select', options: ALGORITHMS },
    { name: 'scopes', label: 'Scopes', kind: 'list' },
  ],
  github_app: [
    { name: 'appId', label: 'App id', kind: 'number', required: true },
    { name: 'privateKey', label: 'App private key (secret reference)', kind: 'secret', required: true },
    { name: 'installationId', label: 'Installation id', kind: 'number' },
    { name: 'owner', label: '…or owner (organisation or user)', kind: 'text' },
    { name: 'repositories', label: 'Repositories', kind: 'list', placeholder: 'widgets gadgets' },
    { name: 'permissions', label: 'Permissions', kind: 'permissions', placeholder: 'contents:read issues:write' },
    { name: 'baseUrl', label: 'API URL', kind: 'text', placeholder: 'https://api.github.com' },
  ],
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function sessionKey(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('key');
  if (fromUrl) {
    sessionStorage.setItem('credflow-key', fromUrl);
    history.replaceState(null, '', location.pathname); // keep the key out of the address bar
  }
  return sessionStorage.getItem('credflow-key') ?? '';
}

const KEY = sessionKey();

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-credflow-key': KEY },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, data: (await res.json()) as T };
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 3600 === 0 ? `PT${s / 3600}H` : s % 60 === 0 ? `PT${s / 60}M` : `PT${s}S`;
}

let state: ListResponse | undefined;
let editing: { tenantId: string; namespace?: string; key: string } | undefined;

function notice(text: string | undefined) {
  const n = $('notice');
  n.hidden = !text;
  n.textContent = text ?? '';
}

function table(list: Summary[]): HTMLElement {
  if (list.length === 0) return el('p', { class: 'muted' }, 'none');
  const rows = list.map((c) => {
    const edit = el('button', { type: 'button', 'data-edit': c.key }, 'Edit');
    edit.addEventListener('click', () => void openEdit(c));
    const secrets = el('td');
    for (const s of c.secrets)
      secrets.append(
        el('span', { class: 'secret-ref', title: s.field }, `${s.secret}${s.subkey ? `.${s.subkey}` : ''}`),
        ' ',
      );
    return el(
      'tr',
      { 'data-key': c.key },
      el('td', {}, el('strong', {}, c.key)),
      el('td', {}, c.type),
      el('td', { class: 'mono' }, c.endpoint),
      el('td', {}, c.cache.enabled ? `on, ${duration(c.cache.refreshBeforeExpiry)} early` : 'off'),
      secrets,
      el('td', {}, edit),
    );
  });
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...['Key', 'Type', 'Endpoint', 'Cache', 'Secrets', ''].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows),
  );
}

async function refresh() {
  const { status, data } = await api<ListResponse & { message?: string }>('GET', '/credentials');
  if (status !== 200) {
    notice(
      status === 401 || status === 403
        ? 'Open the URL printed by `credflow ui` (it holds the session key).'
        : (data.message ?? 'error'),
    );
    return;
  }
  state = data;
  notice(undefined);
  $('file').textContent = `${data.file} · secrets from ${data.providers.join(', ')}`;
  const list = $('list');
  list.replaceChildren();
  for (const t of data.tenants) {
    list.append(el('h3', {}, `Tenant ${t.id}`), table(t.credentials));
    for (const ns of t.namespaces) list.append(el('h4', {}, `Namespace ${ns.id}`), table(ns.credentials));
  }
  const names = $('secret-names');
  names.replaceChildren(...data.secretNames.map((n) => el('option', { value: n })));
  const type = $<HTMLSelectElement>('type');
  if (type.options.length === 0) for (const t of data.types) type.append(el('option', { value: t }, t));
}

function renderFields(type: string) {
  const box = $('fields');
  box.replaceChildren();
  for (const f of FIELDS[type] ?? []) {
    const wide = f.kind === 'secret' || f.kind === 'textOrSecret';
    const label = el(
      'label',
      { 'data-field': f.name, ...(wide ? { class: 'wide' } : {}) },
      f.label + (f.required ? ' *' : ''),
    );
    if (f.kind === 'select') {
      const select = el('select', { name: f.name });
      for (const o of f.options ?? []) select.append(el('option', { value: o }, o));
      label.append(select);
    } else if (f.kind === 'secret' || f.kind === 'textOrSecret') {
      const wrap = el('div', { class: 'secret' });
      if (f.kind === 'textOrSecret') {
        const mode = el(
          'select',
          { name: `${f.name}.mode` },
          el('option', { value: 'text' }, 'text'),
          el('option', { value: 'secret' }, 'secret'),
        );
        wrap.append(mode);
      }
      wrap.append(
        el('input', {
          name: `${f.name}.secret`,
          list: 'secret-names',
          placeholder: f.kind === 'secret' ? 'SECRET_NAME' : '',
          autocomplete: 'off',
        }),
        el('input', { name: `${f.name}.subkey`, placeholder: 'subkey (JSON)', autocomplete: 'off' }),
      );
      label.append(wrap);
    } else {
      label.append(
        el('input', {
          name: f.name,
          ...(f.placeholder ? { placeholder: f.placeholder } : {}),
          ...(f.kind === 'number' ? { inputmode: 'numeric' } : {}),
        }),
      );
    }
    box.append(label);
  }
}

function input(name: string): HTMLInputElement | HTMLSelectElement | null {
  return $<HTMLFormElement>('form').elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
}

function value(name: string): string {
  return (input(name)?.value ?? '').trim();
}

/** The definition the form describes; secret fields become `{ secret, subkey? }` references only. */
function definition(): Record<string, unknown> {
  const type = value('type');
  const def: Record<string, unknown> = { type };
  for (const f of FIELDS[type] ?? []) {
    if (f.kind === 'secret' || f.kind === 'textOrSecret') {
      const name = value(`${f.name}.secret`);
      const subkey = value(`${f.name}.subkey`);
      if (!name) continue;
      def[f.name] =
        f.kind === 'textOrSecret' && value(`${f.name}.mode`) === 'text'
          ? name
          : { secret: name, ...(subkey ? { subkey } : {}) };
      continue;
    }
    const v = value(f.name);
    if (!v) continue;
    if (f.kind === 'number') def[f.name] = /^\d+$/.test(v) ? Number(v) : v;
    else if (f.kind === 'list') def[f.name] = v.split(/[\s,]+/).filter(Boolean);
    else if (f.kind === 'permissions')
      def[f.name] = Object.fromEntries(
        v
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((p) => p.split(':')),
      );
    else def[f.name] = v;
  }
  const cacheEnabled = (input('cache.enabled') as HTMLInputElement).checked;
  const refresh = value('cache.refreshBeforeExpiry');
  if (!cacheEnabled || refresh)
    def.cache = { ...(cacheEnabled ? {} : { enabled: false }), ...(refresh ? { refreshBeforeExpiry: refresh } : {}) };
  if (value('timeout')) def.timeout = value('timeout');
  return def;
}

function fill(def: Record<string, unknown>) {
  const type = String(def.type ?? 'client_credentials');
  (input('type') as HTMLSelectElement).value = type;
  renderFields(type);
  for (const f of FIELDS[type] ?? []) {
    const v = def[f.name];
    if (v === undefined) continue;
    if (f.kind === 'secret' || f.kind === 'textOrSecret') {
      const ref = typeof v === 'object' && v !== null ? (v as SecretRef) : undefined;
      if (f.kind === 'textOrSecret') (input(`${f.name}.mode`) as HTMLSelectElement).value = ref ? 'secret' : 'text';
      (input(`${f.name}.secret`) as HTMLInputElement).value = ref ? ref.secret : String(v);
      (input(`${f.name}.subkey`) as HTMLInputElement).value = ref?.subkey ?? '';
    } else if (f.kind === 'list')
      (input(f.name) as HTMLInputElement).value = Array.isArray(v) ? v.join(' ') : String(v);
    else if (f.kind === 'permissions')
      (input(f.name) as HTMLInputElement).value = Object.entries(v as Record<string, string>)
        .map(([k, l]) => `${k}:${l}`)
        .join(' ');
    else (input(f.name) as HTMLInputElement).value = String(v);
  }
  const cache = (def.cache ?? {}) as { enabled?: boolean; refreshBeforeExpiry?: string };
  (input('cache.enabled') as HTMLInputElement).checked = cache.enabled !== false;
  (input('cache.refreshBeforeExpiry') as HTMLInputElement).value = cache.refreshBeforeExpiry ?? '';
  (input('timeout') as HTMLInputElement).value = typeof def.timeout === 'string' ? def.timeout : '';
}

function where() {
  const namespace = value('namespace');
  return { tenantId: value('tenantId') || 'main', ...(namespace ? { namespace } : {}), key: value('key') };
}

function clearIssues() {
  for (const e of document.querySelectorAll('.field-error')) e.remove();
  for (const e of document.querySelectorAll('.invalid')) e.classList.remove('invalid');
}

function showIssues(issues: Issue[]) {
  clearIssues();
  for (const i of issues) {
    const field = i.path.split(/[.[]/)[0] ?? '';
    const label =
      document.querySelector<HTMLElement>(`label[data-field="${CSS.escape(field)}"]`) ??
      (input(field) ? (input(field)?.closest('label') as HTMLElement | null) : null) ??
      (input(i.path) ? (input(i.path)?.closest('label') as HTMLElement | null) : null);
    if (label) {
      label.classList.add('invalid');
      label.append(el('span', { class: 'field-error' }, i.message));
    }
  }
}

function result(kind: 'busy' | 'ok' | 'bad', ...content: (Node | string)[]) {
  const r = $('result');
  r.hidden = false;
  r.className = `result ${kind === 'busy' ? '' : kind}`;
  r.replaceChildren(...content);
}

function dl(rows: [string, string][]): HTMLElement {
  return el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

async function testConnection() {
  const button = $<HTMLButtonElement>('test');
  button.disabled = true;
  clearIssues();
  result(
    'busy',
    el('span', { class: 'spinner' }),
    'Testing connection… minting a token with the form’s current values',
  );
  try {
    const { status, data } = await api<{
      ok?: boolean;
      tokenType?: string;
      expiresIn?: number;
      expiresAt?: string;
      scopes?: string[];
      durationMs?: number;
      issues?: Issue[];
      message?: string;
      error?: { code: string; message: string; status?: number; error?: string; error_description?: string };
    }>('POST', '/test', { ...where(), definition: definition() });
    if (status === 400) {
      showIssues(data.issues ?? []);
      result('bad', el('strong', {}, 'Fix the form first: '), data.message ?? '');
    } else if (data.ok) {
      result(
        'ok',
        el('strong', { 'data-outcome': 'success' }, '✓ Token minted'),
        dl([
          ['token type', data.tokenType ?? ''],
          ['lifetime', `${data.expiresIn} s`],
          ['expires at', data.expiresAt ?? ''],
          ['scopes', data.scopes?.join(' ') || '(not reported)'],
          ['took', `${data.durationMs} ms`],
        ]),
      );
    } else {
      const e = data.error;
      result(
        'bad',
        el('strong', { 'data-outcome': 'failure' }, '✗ Connection failed'),
        dl([
          ...(e?.error ? ([['error', e.error]] as [string, string][]) : []),
          ...(e?.error_description ? ([['description', e.error_description]] as [string, string][]) : []),
          ...(e?.status ? ([['HTTP status', String(e.status)]] as [string, string][]) : []),
          ['code', e?.code ?? ''],
          ['message', e?.message ?? ''],
          ['took', `${data.durationMs} ms`],
        ]),
      );
    }
  } finally {
    button.disabled = false;
  }
}

async function save(event: Event) {
  event.preventDefault();
  clearIssues();
  const { status, data } = await api<{ saved?: boolean; issues?: Issue[]; message?: string }>('PUT', '/credentials', {
    ...where(),
    definition: definition(),
    ...(editing ? { original: editing } : {}),
  });
  if (status === 200 && data.saved) {
    result(
      'ok',
      el('strong', { 'data-outcome': 'saved' }, `✓ Saved '${where().key}' to ${state?.file ?? 'credflow.yaml'}`),
    );
    editing = where();
    await refresh();
  } else {
    showIssues(data.issues ?? []);
    result('bad', el('strong', {}, 'Not saved: '), data.message ?? `HTTP ${status}`);
  }
}

function openNew() {
  editing = undefined;
  $('form-title').textContent = 'New credential';
  $<HTMLFormElement>('form').reset();
  renderFields(value('type') || 'client_credentials');
  $('result').hidden = true;
  clearIssues();
  $('form-panel').hidden = false;
}

async function openEdit(c: Summary) {
  const loc = { tenantId: c.tenantId, ...(c.namespace ? { namespace: c.namespace } : {}), key: c.key };
  const { status, data } = await api<{ definition: Record<string, unknown> }>('POST', '/definition', loc);
  if (status !== 200) return;
  openNew();
  editing = loc;
  $('form-title').textContent = `Edit ${c.key}`;
  (input('tenantId') as HTMLInputElement).value = c.tenantId;
  (input('namespace') as HTMLInputElement).value = c.namespace ?? '';
  (input('key') as HTMLInputElement).value = c.key;
  fill(data.definition);
}

$('new').addEventListener('click', openNew);
$('cancel').addEventListener('click', () => {
  $('form-panel').hidden = true;
});
$('type').addEventListener('change', () => renderFields(value('type')));
$('test').addEventListener('click', () => void testConnection());
$('form').addEventListener('submit', (e) => void save(e));
void refresh();
