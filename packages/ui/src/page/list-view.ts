// The credentials table: one row per credential, secret references by name
// with whether each resolves now (never the value).

import { el } from './dom.js';

export interface SecretInfo {
  field: string;
  secret: string;
  subkey?: string;
  status?: 'ok' | 'missing' | 'invalid';
}

export interface Summary {
  key: string;
  tenantId: string;
  level: 'tenant' | 'namespace';
  namespace?: string;
  type: string;
  endpoint: string;
  cache: { enabled: boolean; refreshBeforeExpiry: number };
  secrets: SecretInfo[];
  /** The version of its definition in the file, sent back with a delete. */
  version?: string;
}

export interface RowActions {
  edit(c: Summary): void;
  remove(c: Summary): void;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 3600 === 0 ? `PT${s / 3600}H` : s % 60 === 0 ? `PT${s / 60}M` : `PT${s}S`;
}

const STATUS_TEXT = { ok: '✓', missing: 'missing', invalid: 'unreadable' } as const;

export function secretChip(s: SecretInfo): HTMLElement {
  const status = s.status ?? 'ok';
  return el(
    'span',
    {
      class: `secret-ref ${status}`,
      title: `${s.field}: ${status === 'ok' ? 'resolves now' : status === 'missing' ? 'not found in any secret provider' : 'found, but cannot be read as asked (subkey?)'}`,
      'data-secret': s.secret,
      'data-status': status,
    },
    `${s.secret}${s.subkey ? `.${s.subkey}` : ''} `,
    el('b', {}, STATUS_TEXT[status]),
  );
}

export function credentialTable(list: Summary[], actions: RowActions): HTMLElement {
  if (list.length === 0) return el('p', { class: 'muted empty' }, 'no credentials yet');
  const rows = list.map((c) => {
    const edit = el('button', { type: 'button', 'data-edit': c.key }, 'Edit');
    edit.addEventListener('click', () => actions.edit(c));
    const del = el('button', { type: 'button', class: 'danger', 'data-delete': c.key }, 'Delete');
    del.addEventListener('click', () => actions.remove(c));
    return el(
      'tr',
      { 'data-key': c.key },
      el(
        'td',
        { class: 'key' },
        el('strong', { title: c.key }, c.key),
        el('div', { class: 'type' }, c.type),
        el('div', { class: 'endpoint mono', title: c.endpoint }, c.endpoint),
      ),
      el('td', { class: 'cache' }, c.cache.enabled ? `on · ${duration(c.cache.refreshBeforeExpiry)}` : 'off'),
      el('td', { class: 'secrets' }, ...c.secrets.map(secretChip)),
      el('td', { class: 'row' }, el('div', { class: 'row-actions' }, edit, del)),
    );
  });
  return el(
    'table',
    { class: 'credentials' },
    el(
      'colgroup',
      {},
      el('col', { class: 'c-key' }),
      el('col', { class: 'c-cache' }),
      el('col', { class: 'c-secrets' }),
      el('col', { class: 'c-actions' }),
    ),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...[
          ['Credential', 'key, type and endpoint'],
          ['Cache', 'refreshed this long before expiry'],
          ['Secrets', '✓: resolves now'],
          ['', ''],
        ].map(([h, t]) => el('th', t ? { title: t } : {}, h ?? '')),
      ),
    ),
    el('tbody', {}, ...rows),
  );
}
