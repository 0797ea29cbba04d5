// One widget per field: how a value as written in the file is shown, and
// how the widget's text becomes a value again. A widget whose text is as it
// was loaded is "untouched": its field is then sent exactly as written.

import { el } from './dom.js';
import type { Field } from './field-catalogue.js';

export interface Widget {
  field: Field;
  label: HTMLLabelElement;
  /** The widget's state as one string, to compare with how it was loaded. */
  read(): string;
  write(state: string): void;
  /** The secret reference it shows, if any (for the ✓ / missing status). */
  secretRef(): { secret: string; subkey?: string } | undefined;
  status?: HTMLElement;
}

const SEP = '\u0000';
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRef = (v: unknown): v is { secret: string; subkey?: string } =>
  isRecord(v) &&
  typeof v.secret === 'string' &&
  Object.keys(v).every((k) => k === 'secret' || (k === 'subkey' && typeof v.subkey === 'string'));
const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);

/** Whether a widget of this kind can show the value as written (else it goes to "Other fields"). */
export function accepts(field: Field, v: unknown): boolean {
  if (v === undefined) return true;
  switch (field.kind) {
    case 'text':
    case 'duration':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
    case 'select':
      return typeof v === 'string' && (field.options ?? []).includes(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'list':
      return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string' && !/\s/.test(x)));
    case 'permissions':
      return isRecord(v) && Object.entries(v).every(([k, x]) => typeof x === 'string' && !/[\s:]/.test(k));
    case 'secret':
      return isRef(v);
    case 'textOrSecret':
      return typeof v === 'string' || isRef(v);
    case 'yaml':
      return true;
  }
}

/** The widget state for a value as written; `yamlText` is the field's source text in the file. */
export function stateOf(field: Field, v: unknown, yamlText: string | undefined): string {
  if (field.kind === 'yaml') return v === undefined ? '' : (yamlText ?? JSON.stringify(v));
  if (v === undefined) return field.kind === 'secret' ? SEP : field.kind === 'textOrSecret' ? `text${SEP}${SEP}` : '';
  switch (field.kind) {
    case 'list':
      return Array.isArray(v) ? v.join(' ') : String(v);
    case 'permissions':
      return Object.entries(v as Record<string, string>)
        .map(([k, l]) => `${k}:${l}`)
        .join(' ');
    case 'secret': {
      const r = v as { secret: string; subkey?: string };
      return `${r.secret}${SEP}${r.subkey ?? ''}`;
    }
    case 'textOrSecret': {
      if (typeof v === 'string') return `text${SEP}${v}${SEP}`;
      const r = v as { secret: string; subkey?: string };
      return `secret${SEP}${r.secret}${SEP}${r.subkey ?? ''}`;
    }
    default:
      return String(v);
  }
}

/** The value a changed widget means (undefined: remove the field). `was` keeps the shape as written (list or string). */
export function fieldValue(field: Field, state: string, was: unknown): unknown {
  const s = state.trim();
  switch (field.kind) {
    case 'number':
      return s === '' ? undefined : /^\d+$/.test(s) && typeof was !== 'string' ? Number(s) : s;
    case 'boolean':
      return s === '' ? undefined : s === 'true';
    case 'list': {
      const list = words(s);
      if (list.length === 0) return undefined;
      return typeof was === 'string' ? list.join(' ') : list;
    }
    case 'permissions': {
      const list = words(s);
      if (list.length === 0) return undefined;
      return Object.fromEntries(list.map((p) => [p.split(':')[0] ?? p, p.split(':').slice(1).join(':')]));
    }
    case 'secret': {
      const [name = '', subkey = ''] = state.split(SEP).map((x) => x.trim());
      return name ? { secret: name, ...(subkey ? { subkey } : {}) } : undefined;
    }
    case 'textOrSecret': {
      const [mode, name = '', subkey = ''] = state.split(SEP).map((x) => x.trim());
      if (!name) return undefined;
      return mode === 'text' ? name : { secret: name, ...(subkey ? { subkey } : {}) };
    }
    default:
      return s === '' ? undefined : s;
  }
}

function control(name: string, attrs: Record<string, string> = {}) {
  return el('input', { name, autocomplete: 'off', spellcheck: 'false', ...attrs });
}

/** Builds the widget of a field. */
export function createWidget(field: Field): Widget {
  const wide = field.wide || ['secret', 'textOrSecret', 'yaml'].includes(field.kind);
  const label = el(
    'label',
    { 'data-field': field.name, ...(wide ? { class: 'wide' } : {}) },
    el('span', { class: 'label-text' }, field.label + (field.required ? ' *' : '')),
  );
  const hint = field.defaultText ? `default: ${field.defaultText}` : (field.placeholder ?? '');
  if (field.kind === 'select' || field.kind === 'boolean') {
    const options =
      field.kind === 'boolean'
        ? [
            ['true', 'on'],
            ['false', 'off'],
          ]
        : (field.options ?? []).map((o) => [o, o]);
    const select = el(
      'select',
      { name: field.name },
      el('option', { value: '' }, field.defaultText ? `default (${field.defaultText})` : '(none)'),
      ...options.map(([v, t]) => el('option', { value: v ?? '' }, t ?? '')),
    );
    label.append(select);
    return {
      field,
      label,
      read: () => select.value,
      write: (s) => {
        select.value = s;
      },
      secretRef: () => undefined,
    };
  }
  if (field.kind === 'secret' || field.kind === 'textOrSecret') {
    const wrap = el('div', { class: 'secret' });
    const mode =
      field.kind === 'textOrSecret'
        ? el(
            'select',
            { name: `${field.name}.mode`, class: 'mode' },
            el('option', { value: 'text' }, 'text'),
            el('option', { value: 'secret' }, 'secret'),
          )
        : undefined;
    const name = control(`${field.name}.secret`, {
      list: 'secret-names',
      placeholder: field.kind === 'secret' ? 'SECRET_NAME' : 'text, or a secret name',
    });
    const subkey = control(`${field.name}.subkey`, { placeholder: 'subkey (JSON)' });
    const status = el('span', { class: 'status', 'data-status': '' });
    if (mode) wrap.append(mode);
    wrap.append(name, subkey, status);
    label.append(wrap);
    const sync = () => {
      subkey.hidden = mode?.value === 'text';
      status.hidden = mode?.value === 'text' || !name.value.trim();
    };
    const state = () => `${mode ? `${mode.value}${SEP}` : ''}${name.value}${SEP}${subkey.value}`;
    mode?.addEventListener('change', sync);
    name.addEventListener('input', sync);
    return {
      field,
      label,
      status,
      read: state,
      write: (s) => {
        const parts = s.split(SEP);
        if (mode) mode.value = parts.shift() ?? 'text';
        name.value = parts[0] ?? '';
        subkey.value = parts[1] ?? '';
        sync();
      },
      secretRef: () => {
        const v = fieldValue(field, state(), undefined);
        return v && typeof v === 'object' ? (v as { secret: string; subkey?: string }) : undefined;
      },
    };
  }
  if (field.kind === 'yaml') {
    const area = el('textarea', { name: field.name, rows: '2', spellcheck: 'false', placeholder: hint });
    label.append(area);
    return {
      field,
      label,
      read: () => area.value,
      write: (s) => {
        area.value = s;
        area.rows = Math.min(8, Math.max(2, s.split('\n').length));
      },
      secretRef: () => undefined,
    };
  }
  const input = control(field.name, {
    ...(hint ? { placeholder: hint } : {}),
    ...(field.kind === 'number' ? { inputmode: 'numeric' } : {}),
  });
  label.append(input);
  return {
    field,
    label,
    read: () => input.value,
    write: (s) => {
      input.value = s;
    },
    secretRef: () => undefined,
  };
}
