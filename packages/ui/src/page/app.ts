// The credflow UI page: plain TypeScript over the DOM, no framework.
// Every API call carries the session key; no response holds a token or a
// secret value, and secret fields accept only secret references.

import { type ApiError, api, type Issue, issueLines, sessionProblem } from './api-client.js';
import { CredentialForm, type Sources } from './credential-form.js';
import { $, el, lines } from './dom.js';
import { credentialTable, type Summary } from './list-view.js';

interface ListResponse {
  file: string;
  types: string[];
  secretNames: string[];
  providers: string[];
  patterns: { key: string; namespace: string; tenant: string };
  tenants: {
    id: string;
    credentials: Summary[];
    namespaces: { id: string; credentials: Summary[]; inherited: Summary[] }[];
  }[];
}

interface Where {
  tenantId: string;
  namespace?: string;
  key: string;
}

let state: ListResponse | undefined;
let editing: Where | undefined;
/** The version of the credential the form loaded: a save or delete is refused if the file changed it since. */
let editingVersion: string | undefined;

/** A refusal because the credential changed in the file since it was loaded (409 with `changed` or `version`). */
interface ConflictAnswer extends ApiError {
  changed?: string[];
  version?: string;
}
const isStale = (status: number, data: ConflictAnswer) =>
  status === 409 && (Array.isArray(data.changed) || typeof data.version === 'string');

const formEl = $<HTMLFormElement>('form');
const form = new CredentialForm({
  fieldsBox: $('fields'),
  commonBox: $('common'),
  other: $<HTMLTextAreaElement>('other'),
  typeSelect: $<HTMLSelectElement>('type'),
});

const input = (name: string) => formEl.elements.namedItem(name) as HTMLInputElement;
const value = (name: string) => (input(name)?.value ?? '').trim();

/** A message at the top of the list; `lines` for a config file with several problems. */
function notice(title: string | undefined, detail: string[] = [], kind: 'warn' | 'bad' | 'ok' = 'warn') {
  const n = $('notice');
  n.hidden = !title;
  n.className = `notice ${kind}`;
  n.replaceChildren();
  if (!title) return;
  n.append(el('strong', {}, title));
  if (detail.length) n.append(el('ul', { class: 'lines' }, ...detail.map((d) => el('li', {}, d))));
}

/** Shows what a refused call means; true when it was refused. */
function refused(status: number, data: ApiError, what: string): boolean {
  const session = sessionProblem(status, data);
  if (session) {
    notice(session, [], 'bad');
    return true;
  }
  if (data.code === 'ERR_CONFIG_INVALID' || data.code === 'ERR_UI_FILE_INVALID') {
    notice(
      `${data.file ?? state?.file ?? 'credflow.yaml'} has problems: fix them in the file, then reload.`,
      data.issues?.length ? issueLines(data.issues) : [data.message ?? ''],
      'bad',
    );
    return true;
  }
  if (status >= 500) {
    notice(`${what}: ${data.message ?? `HTTP ${status}`}`, [], 'bad');
    return true;
  }
  return false;
}

/** "New credential" works only with a session key and a file the UI can read; else it says why not. */
function canCreate(reason: string | undefined) {
  const button = $<HTMLButtonElement>('new');
  button.disabled = reason !== undefined;
  button.title = reason ?? '';
  const why = $('new-reason');
  why.hidden = reason === undefined;
  why.textContent = reason ?? '';
}

async function refresh() {
  const { status, data } = await api<ListResponse>('GET', '/credentials');
  if (status !== 200) {
    if (!refused(status, data, 'Cannot list credentials')) notice(data.message ?? `HTTP ${status}`, [], 'bad');
    canCreate(
      sessionProblem(status, data)
        ? 'needs the session key: open the URL printed by `credflow ui`'
        : 'fix the problems of the file first, then reload',
    );
    return;
  }
  canCreate(undefined);
  state = data;
  if ($('notice').classList.contains('bad')) notice(undefined);
  $('file').textContent = data.file;
  $('providers').textContent = `secrets from ${data.providers.join(' · ') || 'no providers'}`;
  const list = $('list');
  list.replaceChildren();
  const actions = {
    edit: (c: Summary) => void openEdit(c),
    remove: (c: Summary) => void remove(locOf(c), c.version),
    test: (c: Summary, row: HTMLTableRowElement) => void testRow(c, row),
  };
  for (const t of data.tenants) {
    const tenant = el(
      'div',
      { class: 'tenant', 'data-tenant': t.id },
      el('h3', {}, 'Tenant ', el('code', {}, t.id)),
      credentialTable(t.credentials, actions),
    );
    for (const ns of t.namespaces)
      tenant.append(
        el(
          'div',
          { class: 'namespace', 'data-namespace': ns.id },
          el('h4', {}, 'Namespace ', el('code', {}, ns.id)),
          credentialTable(ns.credentials, actions, ns.inherited),
        ),
      );
    list.append(tenant);
  }
  $('secret-names').replaceChildren(...data.secretNames.map((n) => el('option', { value: n })));
  $('tenant-names').replaceChildren(...data.tenants.map((t) => el('option', { value: t.id })));
  const type = $<HTMLSelectElement>('type');
  if (type.options.length === 0) for (const t of data.types) type.append(el('option', { value: t }, t));
  checkWhere();
}

const locOf = (c: Summary): Where => ({
  tenantId: c.tenantId,
  ...(c.namespace ? { namespace: c.namespace } : {}),
  key: c.key,
});

function where(): Where {
  const namespace = value('namespace');
  return { tenantId: value('tenantId') || 'main', ...(namespace ? { namespace } : {}), key: value('key') };
}

/** Flows find a credential by its key (and their namespace): renaming or moving one breaks the flows that use it. */
function renameWarning(w: Where): string | undefined {
  if (!editing || !w.key) return undefined;
  if (w.key !== editing.key)
    return `renaming: flows that use credential('${editing.key}') must be changed to credential('${w.key}')`;
  if (w.tenantId !== editing.tenantId || (w.namespace ?? '') !== (editing.namespace ?? ''))
    return `moving: flows that use credential('${editing.key}') where it is no longer visible will not find it`;
  return undefined;
}

/** Checks tenant, namespace and key as the config does (Kestra-style namespaces) and says what will be created. */
function checkWhere(): boolean {
  if (!state) return true;
  const p = state.patterns;
  const w = where();
  const tenant = state.tenants.find((t) => t.id === w.tenantId);
  $('namespace-names').replaceChildren(...(tenant?.namespaces ?? []).map((n) => el('option', { value: n.id })));
  const hints: [string, string | undefined, boolean][] = [
    [
      'tenantId',
      !new RegExp(p.tenant).test(w.tenantId)
        ? "tenant ids use letters, digits, '_' and '-'"
        : tenant
          ? undefined
          : `new tenant '${w.tenantId}': created when you save`,
      !new RegExp(p.tenant).test(w.tenantId),
    ],
    [
      'namespace',
      w.namespace === undefined
        ? undefined
        : !new RegExp(p.namespace).test(w.namespace)
          ? "namespaces are dot-separated names of letters, digits, '_' and '-' (e.g. company.team)"
          : tenant?.namespaces.some((n) => n.id === w.namespace)
            ? undefined
            : `new namespace '${w.namespace}': created when you save`,
      w.namespace !== undefined && !new RegExp(p.namespace).test(w.namespace),
    ],
    [
      'key',
      w.key && !new RegExp(p.key).test(w.key)
        ? "keys start with a letter or '_' and use letters, digits, '_', '.' and '-'"
        : renameWarning(w),
      Boolean(w.key) && !new RegExp(p.key).test(w.key),
    ],
  ];
  let ok = true;
  for (const [name, text, bad] of hints) {
    const label = input(name).closest('label') as HTMLElement;
    label.querySelector('.hint')?.remove();
    label.classList.toggle('invalid', bad);
    if (text) label.append(el('span', { class: bad ? 'hint field-error' : 'hint' }, text));
    ok &&= !bad;
  }
  return ok;
}

function clearIssues() {
  for (const e of document.querySelectorAll('#form .field-error:not(.hint)')) e.remove();
  for (const e of document.querySelectorAll('#form .invalid')) e.classList.remove('invalid');
}

/** Puts each issue next to its field; returns the ones that have no field on the form. */
function showIssues(issues: readonly Issue[]): Issue[] {
  clearIssues();
  const unplaced: Issue[] = [];
  for (const i of issues) {
    const widget = form.widgets.find((w) => i.path === w.field.name || i.path.startsWith(`${w.field.name}.`));
    const label =
      widget?.label ??
      (['key', 'tenantId', 'namespace'].includes(i.path) ? (input(i.path).closest('label') as HTMLElement) : null) ??
      (i.path === 'otherYaml' || i.path ? (document.querySelector('label[data-field="other"]') as HTMLElement) : null);
    if (label && i.path) {
      label.classList.add('invalid');
      label.append(
        el(
          'span',
          { class: 'field-error' },
          i.path === widget?.field.name || !widget ? i.message : `${i.path}: ${i.message}`,
        ),
      );
    } else unplaced.push(i);
  }
  return unplaced;
}

/** A "Saved" banner is about the last save only: it goes at the next action. */
function clearSaved() {
  const r = $('result');
  if (r.querySelector('[data-outcome="saved"]')) r.hidden = true;
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

/** A refusal of the form in words: field errors next to the fields, the rest as lines. */
function refusedForm(prefix: string, status: number, data: ApiError) {
  if (refused(status, data, prefix)) {
    result('bad', el('strong', {}, `${prefix}: `), sessionProblem(status, data) ?? 'see the message above the list');
    return;
  }
  const rest = showIssues(data.issues ?? []);
  const placed = (data.issues?.length ?? 0) - rest.length;
  result(
    'bad',
    el('strong', { 'data-outcome': 'refused' }, `${prefix}: `),
    placed > 0 && rest.length === 0
      ? 'fix the fields marked in red.'
      : lines(rest.length ? issueLines(rest).join('\n') : (data.message ?? `HTTP ${status}`)),
  );
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
      error?: { code: string; message: string; status?: number; error?: string; error_description?: string } | string;
    }>('POST', '/test', { ...where(), ...form.body() });
    if (status !== 200) {
      refusedForm('Cannot test yet', status, data);
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
      const e = typeof data.error === 'object' ? data.error : undefined;
      const rows: [string, string][] = [];
      if (e?.error) rows.push(['error', e.error]);
      if (e?.error_description) rows.push(['description', e.error_description]);
      if (e?.status) rows.push(['HTTP status', String(e.status)]);
      rows.push(['message', e?.message ?? ''], ['code', e?.code ?? ''], ['took', `${data.durationMs} ms`]);
      result('bad', el('strong', { 'data-outcome': 'failure' }, '✗ Connection failed'), dl(rows));
    }
  } finally {
    button.disabled = false;
  }
}

type TestAnswer = {
  ok?: boolean;
  tokenType?: string;
  expiresIn?: number;
  expiresAt?: string;
  scopes?: string[];
  durationMs?: number;
  error?: { code: string; message: string; status?: number; error?: string; error_description?: string } | string;
};

/** Tests a credential as saved, from its row: the outcome in a line under it (never the token). */
async function testRow(c: Summary, row: HTMLTableRowElement) {
  clearSaved();
  const loc = locOf(c);
  row.nextElementSibling?.matches('tr.test-result') && row.nextElementSibling.remove();
  const cell = el('td', { colspan: '4' }, el('span', { class: 'spinner' }), `Testing ${c.key}…`);
  row.after(el('tr', { class: 'test-result', 'data-for': c.key }, cell));
  const button = row.querySelector<HTMLButtonElement>('button[data-test]');
  if (button) button.disabled = true;
  try {
    const def = await api<{ definition: Record<string, unknown> }>('POST', '/definition', loc);
    const { status, data } =
      def.status === 200
        ? await api<TestAnswer>('POST', '/test', { ...loc, definition: def.data.definition })
        : { status: def.status, data: def.data as TestAnswer & ApiError };
    if (status !== 200) {
      cell.className = 'bad';
      cell.replaceChildren(
        el('strong', { 'data-outcome': 'refused' }, 'Cannot test: '),
        sessionProblem(status, data) ??
          (data.issues?.length ? issueLines(data.issues).join('; ') : (data.message ?? `HTTP ${status}`)),
      );
    } else if (data.ok) {
      cell.className = 'ok';
      cell.replaceChildren(
        el('strong', { 'data-outcome': 'success' }, '✓ Token minted'),
        ` ${data.tokenType ?? ''} · ${data.expiresIn} s · scopes ${data.scopes?.join(' ') || '(not reported)'} · ${data.durationMs} ms`,
      );
    } else {
      const e = typeof data.error === 'object' ? data.error : undefined;
      cell.className = 'bad';
      cell.replaceChildren(
        el('strong', { 'data-outcome': 'failure' }, '✗ Connection failed'),
        ` ${[e?.error, e?.error_description, e?.status ? `HTTP ${e.status}` : '', e?.message, e?.code].filter(Boolean).join(' · ')}`,
      );
    }
  } finally {
    if (button) button.disabled = false;
  }
}

async function save(event: Event) {
  event.preventDefault();
  clearIssues();
  if (!checkWhere()) {
    result('bad', el('strong', { 'data-outcome': 'refused' }, 'Not saved: '), 'fix the fields marked in red.');
    return;
  }
  const to = where();
  const { status, data } = await api<{ saved?: boolean } & ConflictAnswer>('PUT', '/credentials', {
    ...to,
    ...form.body(),
    ...(editing ? { original: editing, ...(editingVersion ? { version: editingVersion } : {}) } : { create: true }),
  });
  if (status === 200 && data.saved) {
    const warning = renameWarning(to);
    if ($('notice').classList.contains('ok')) notice(undefined);
    await refresh();
    await openEdit({ ...to, level: to.namespace ? 'namespace' : 'tenant' } as Summary, true);
    result(
      'ok',
      el('strong', { 'data-outcome': 'saved' }, `✓ Saved '${to.key}'`),
      ` to ${state?.file ?? 'credflow.yaml'}`,
      ...(warning ? [el('p', { class: 'warning' }, `⚠ ${warning.replace(/^(renaming|moving): /, '')}.`)] : []),
    );
  } else if (isStale(status, data)) {
    conflict(data);
  } else {
    refusedForm('Not saved', status, data);
  }
}

/** A save refused because another writer changed the credential: what changed, what was not saved, and a way out. */
function conflict(data: ConflictAnswer) {
  clearIssues();
  const loc = editing;
  const mine = form.changedLabels();
  const reload = el('button', { type: 'button', 'data-action': 'reload' }, 'Reload from the file');
  reload.addEventListener(
    'click',
    () => loc && void openEdit({ ...loc, level: loc.namespace ? 'namespace' : 'tenant' } as Summary),
  );
  const changed = data.changed ?? [];
  for (const path of changed) {
    const w = form.widgets.find((x) => path === x.field.name || path.startsWith(`${x.field.name}.`));
    if (w) {
      w.label.classList.add('conflict');
      w.label.append(el('span', { class: 'field-error' }, 'changed in the file since you opened it'));
    }
  }
  result(
    'bad',
    el('strong', { 'data-outcome': 'conflict' }, 'Not saved: changed in the file since you opened it'),
    el(
      'dl',
      {},
      el('dt', {}, 'changed in the file'),
      el(
        'dd',
        { 'data-changed': changed.join(' ') },
        data.changed === undefined
          ? 'this credential (reload to see what)'
          : changed.length
            ? changed.join(', ')
            : 'it was removed from the file',
      ),
      el('dt', {}, 'your changes (not saved)'),
      el('dd', {}, mine.length ? mine.join(', ') : 'none'),
    ),
    el(
      'p',
      { class: 'muted' },
      'Reload to see the file as it is now, then make your change again. Nothing was written.',
    ),
    el('div', { class: 'actions' }, reload),
  );
}

async function remove(loc: Where, version: string | undefined) {
  clearSaved();
  const dialog = $<HTMLDialogElement>('confirm');
  $('confirm-text').replaceChildren(
    'Delete ',
    el('strong', {}, loc.key),
    ` (tenant ${loc.tenantId}${loc.namespace ? `, namespace ${loc.namespace}` : ''}) from ${state?.file ?? 'credflow.yaml'}? Its comments go with it; the rest of the file stays as it is.`,
  );
  dialog.returnValue = '';
  dialog.showModal();
  const answer = await new Promise<string>((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }),
  );
  if (answer !== 'delete') return;
  const { status, data } = await api<{ deleted?: boolean } & ConflictAnswer>('DELETE', '/credentials', {
    ...loc,
    ...(version ? { version } : {}),
  });
  if (isStale(status, data)) {
    await refresh();
    notice(`Not deleted: ${data.message ?? 'it changed in the file'}`, [], 'bad');
    return;
  }
  if (status !== 200) {
    if (!refused(status, data, 'Not deleted')) notice(`Not deleted: ${data.message ?? `HTTP ${status}`}`, [], 'bad');
    return;
  }
  if (editing && JSON.stringify(editing) === JSON.stringify(loc)) closeForm();
  await refresh();
  notice(data.deleted ? `Deleted '${loc.key}'.` : `'${loc.key}' was already gone.`, [], 'ok');
}

let statusTimer: ReturnType<typeof setTimeout> | undefined;
/** Asks whether the form's secret references resolve now (✓ / missing); never their values. */
function checkSecrets() {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(async () => {
    const widgets = form.widgets.filter((w) => w.status);
    const refs = widgets.map((w) => w.secretRef());
    const asked = refs.flatMap((r, i) => (r ? [{ ref: r, i }] : []));
    for (const w of widgets) if (w.status) w.status.textContent = '';
    if (asked.length === 0) return;
    const { tenantId, namespace } = where(); // checked with the providers of the form's own scope
    const { status, data } = await api<{ statuses: string[] }>('POST', '/secret-status', {
      tenantId,
      ...(namespace ? { namespace } : {}),
      refs: asked.map((a) => a.ref),
    });
    if (status !== 200) return;
    asked.forEach((a, n) => {
      const s = widgets[a.i]?.status;
      const st = data.statuses[n] ?? 'missing';
      if (!s) return;
      s.dataset.status = st;
      s.textContent = st === 'ok' ? '✓' : st === 'missing' ? 'missing' : 'unreadable';
      s.title =
        st === 'ok'
          ? 'resolves now'
          : st === 'missing'
            ? 'not found in any secret provider'
            : 'cannot be read as asked';
    });
  }, 250);
}
form.onSecretInput = checkSecrets;

function showForm(title: string) {
  $('form-title').textContent = title;
  $('result').hidden = true;
  clearIssues();
  $('form-panel').hidden = false;
  document.querySelector('main')?.classList.add('editing');
}

function closeForm() {
  editing = undefined;
  editingVersion = undefined;
  $('form-panel').hidden = true;
  document.querySelector('main')?.classList.remove('editing');
}

function openNew() {
  editing = undefined;
  editingVersion = undefined;
  formEl.reset();
  input('tenantId').value = 'main';
  form.load({}, {}, value('type') || 'client_credentials');
  $('delete').hidden = true;
  showForm('New credential');
  checkWhere();
  input('key').focus();
}

async function openEdit(c: Summary, quiet = false) {
  const loc = locOf(c);
  const { status, data } = await api<{ definition: Record<string, unknown>; sources: Sources; version?: string }>(
    'POST',
    '/definition',
    loc,
  );
  if (status !== 200) {
    if (!refused(status, data, 'Cannot open')) notice(data.message ?? `HTTP ${status}`, [], 'bad');
    return;
  }
  formEl.reset();
  input('tenantId').value = loc.tenantId;
  input('namespace').value = loc.namespace ?? '';
  input('key').value = loc.key;
  form.load(data.definition, data.sources, 'client_credentials');
  editing = loc;
  editingVersion = data.version;
  $('delete').hidden = false;
  if (quiet) $('form-title').textContent = `Edit ${loc.key}`;
  else showForm(`Edit ${loc.key}`);
  checkWhere();
  checkSecrets();
}

$('new').addEventListener('click', openNew);
$('cancel').addEventListener('click', closeForm);
$('delete').addEventListener('click', () => editing && void remove(editing, editingVersion));
$('type').addEventListener('change', () => form.switchType(value('type')));
$('where').addEventListener('input', checkWhere);
$('test').addEventListener('click', () => void testConnection());
formEl.addEventListener('submit', (e) => void save(e));
/** A field changed: it is no longer marked wrong (the next save or test checks it again), and a "Saved" banner goes. */
function edited(event: Event) {
  clearSaved();
  const label = (event.target as HTMLElement).closest('label');
  if (!label || label.closest('#where')) return;
  label.classList.remove('invalid', 'conflict');
  for (const e of label.querySelectorAll('.field-error')) e.remove();
}
formEl.addEventListener('input', edited);
formEl.addEventListener('change', edited);
void refresh();
