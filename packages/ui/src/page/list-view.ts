// The credentials table: one row per credential, secret references by name
// with whether each resolves now (never the value).

import type { CredentialSummary } from '@credflow/credentials-core';
import { el } from './dom.js';

export interface SecretInfo {
  field: string;
  secret: string;
  subkey?: string;
  status?: 'ok' | 'missing' | 'invalid';
}

/** A credential as the server lists it: the store's {@link CredentialSummary}, with each secret's status. */
export interface Summary extends CredentialSummary {
  secrets: SecretInfo[];
  /** The version of its definition in the file, sent back with a delete. */
  version?: string;
  scopes?: string[];
}

export interface RowActions {
  edit(c: Summary): void;
  remove(c: Summary): void;
  test(c: Summary, row: HTMLTableRowElement): void;
}

/** The id of a credential's row where it is defined (the target of an inherited row's link). */
export const rowId = (c: Summary) => `cred:${c.tenantId}:${c.namespace ?? ''}:${c.key}`;

/** Where an inherited credential is defined, in words. */
const origin = (c: Summary) => (c.namespace ? `namespace ${c.namespace}` : `tenant ${c.tenantId}`);

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

function keyCell(c: Summary, inherited: boolean): HTMLElement {
  return el(
    'td',
    { class: 'key' },
    el('strong', { title: c.key }, c.key),
    el(
      'div',
      { class: 'type' },
      c.type,
      ...(inherited ? [' ', el('span', { class: 'badge', title: `defined in ${origin(c)}` }, 'inherited')] : []),
    ),
    el('div', { class: 'endpoint mono', title: c.endpoint }, c.endpoint),
    ...(c.scopes?.length
      ? [el('div', { class: 'scopes mono', title: `scopes: ${c.scopes.join(' ')}` }, c.scopes.join(' '))]
      : []),
  );
}

/** Scrolls to a credential's row where it is defined and marks it. */
function goTo(c: Summary) {
  const target = document.getElementById(rowId(c));
  if (!target) return;
  for (const t of document.querySelectorAll('tr.target')) t.classList.remove('target');
  target.classList.add('target');
  target.scrollIntoView({ block: 'center' });
}

/**
 * The credentials of a tenant or namespace: its own (Test, Edit, Delete),
 * then the ones a namespace inherits from its parents and its tenant, marked
 * as such with a link to where they are defined (edited there, not here).
 */
export function credentialTable(list: Summary[], actions: RowActions, inherited: Summary[] = []): HTMLElement {
  if (list.length === 0 && inherited.length === 0) return el('p', { class: 'muted empty' }, 'no credentials yet');
  const rows = list.map((c) => {
    const test = el('button', { type: 'button', 'data-test': c.key, title: 'mint a token with it as saved' }, 'Test');
    const edit = el('button', { type: 'button', 'data-edit': c.key }, 'Edit');
    edit.addEventListener('click', () => actions.edit(c));
    const del = el('button', { type: 'button', class: 'danger', 'data-delete': c.key }, 'Delete');
    del.addEventListener('click', () => actions.remove(c));
    const tr = el(
      'tr',
      { 'data-key': c.key, id: rowId(c) },
      keyCell(c, false),
      el('td', { class: 'cache' }, c.cache.enabled ? `on · ${duration(c.cache.refreshBeforeExpiry)}` : 'off'),
      el('td', { class: 'secrets' }, ...c.secrets.map(secretChip)),
      el('td', { class: 'row' }, el('div', { class: 'row-actions' }, test, edit, del)),
    );
    test.addEventListener('click', () => actions.test(c, tr));
    return tr;
  });
  const inheritedRows = inherited.map((c) => {
    const link = el('a', { class: 'origin', href: `#${rowId(c)}`, title: `defined in ${origin(c)}: edit it there` });
    link.append(`from ${origin(c)}`);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      goTo(c);
    });
    return el(
      'tr',
      { class: 'inherited', 'data-inherited': c.key, 'data-origin': c.namespace ?? '' },
      keyCell(c, true),
      el('td', { class: 'cache' }, c.cache.enabled ? `on · ${duration(c.cache.refreshBeforeExpiry)}` : 'off'),
      el('td', { class: 'secrets' }, ...c.secrets.map(secretChip)),
      el('td', { class: 'row' }, link),
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
          ['Credential', 'key, type, endpoint and scopes'],
          ['Cache', 'refreshed this long before expiry'],
          ['Secrets', '✓: resolves now'],
          ['', ''],
        ].map(([h, t]) => el('th', t ? { title: t } : {}, h ?? '')),
      ),
    ),
    el('tbody', {}, ...rows, ...inheritedRows),
  );
}
