// The state of the credential form. It starts from the definition as
// written in the file and sends back exactly that, except for what the user
// changed: an untouched widget sends its field as written (so nothing is
// lost, reformatted or defaulted in), a changed one sends its new value.

import { COMMON_FIELDS, type Field, TYPE_FIELDS } from './field-catalogue.js';
import { accepts, createWidget, fieldValue, stateOf, type Widget } from './field-widgets.js';

export type Sources = Record<string, { value: string; pair: string }>;

export interface DefinitionBody {
  definition: Record<string, unknown>;
  yamlFields?: Record<string, string>;
  otherYaml?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const sameEmpty = (v: unknown) => isRecord(v) && Object.keys(v).length === 0;
const top = (name: string) => name.split('.')[0] ?? name;

function getPath(obj: Record<string, unknown>, name: string): unknown {
  let cur: unknown = obj;
  for (const part of name.split('.')) cur = isRecord(cur) ? cur[part] : undefined;
  return cur;
}

function setPath(obj: Record<string, unknown>, name: string, value: unknown) {
  const [head, ...rest] = name.split('.');
  if (head === undefined) return;
  if (rest.length === 0) {
    if (value === undefined) delete obj[head];
    else obj[head] = value;
    return;
  }
  const child = isRecord(obj[head]) ? { ...(obj[head] as Record<string, unknown>) } : {};
  setPath(child, rest.join('.'), value);
  obj[head] = child;
}

/** `cache` is shown by two widgets only when it holds nothing else. */
function groupAccepts(fields: Field[], raw: Record<string, unknown>, key: string): boolean {
  const own = fields.filter((f) => top(f.name) === key);
  if (own.length === 0) return false;
  const v = raw[key];
  if (own.length === 1 && own[0]?.name === key) return accepts(own[0], v);
  if (v === undefined) return true;
  if (!isRecord(v)) return false;
  return Object.keys(v).every((k) => {
    const f = own.find((x) => x.name === `${key}.${k}`);
    return f !== undefined && accepts(f, v[k]);
  });
}

export class CredentialForm {
  #raw: Record<string, unknown> = {};
  #sources: Sources = {};
  #widgets: Widget[] = [];
  #otherInitial = '';
  #type = '';
  readonly #fieldsBox: HTMLElement;
  readonly #commonBox: HTMLElement;
  readonly #other: HTMLTextAreaElement;
  readonly #typeSelect: HTMLSelectElement;
  onSecretInput: () => void = () => {};

  constructor(parts: {
    fieldsBox: HTMLElement;
    commonBox: HTMLElement;
    other: HTMLTextAreaElement;
    typeSelect: HTMLSelectElement;
  }) {
    this.#fieldsBox = parts.fieldsBox;
    this.#commonBox = parts.commonBox;
    this.#other = parts.other;
    this.#typeSelect = parts.typeSelect;
  }

  get widgets(): readonly Widget[] {
    return this.#widgets;
  }

  /** Shows a definition as written (`{}` for a new credential) with the source text of its fields. */
  load(raw: Record<string, unknown>, sources: Sources, fallbackType: string) {
    this.#raw = structuredClone(raw);
    this.#sources = sources;
    const type = typeof raw.type === 'string' ? raw.type : fallbackType;
    this.#typeSelect.value = type;
    this.#render(type, new Map());
    this.#other.value = this.#otherInitial;
    this.#sizeOther();
  }

  /** Switches the form to another type, keeping what the user typed. */
  switchType(type: string) {
    const typed = new Map(this.#widgets.map((w) => [w.field.name, w.read()]));
    const carried = this.#widgets
      .filter((w) => !this.#fieldsOf(type).some((f) => f.name === w.field.name))
      .map((w) => [w.field.name, fieldValue(w.field, w.read(), getPath(this.#raw, w.field.name))] as const)
      .filter(([name, v]) => v !== undefined && !Object.hasOwn(this.#raw, top(name)));
    const editedOther = this.#other.value !== this.#otherInitial ? this.#other.value : undefined;
    this.#render(type, typed);
    const extra = carried.map(([name, v]) => `${name}: ${JSON.stringify(v)}`);
    this.#other.value = [editedOther ?? this.#otherInitial, ...extra].filter((s) => s.trim() !== '').join('\n');
    this.#sizeOther();
  }

  #fieldsOf(type: string): Field[] {
    return [...(TYPE_FIELDS[type] ?? []), ...COMMON_FIELDS];
  }

  #render(type: string, typed: Map<string, string>) {
    this.#type = type;
    const fields = this.#fieldsOf(type);
    const shown = new Set(Object.keys(this.#raw).filter((k) => k !== 'type' && groupAccepts(fields, this.#raw, k)));
    this.#widgets = fields.map((f) => {
      const w = createWidget(f);
      const raw = shown.has(top(f.name)) ? getPath(this.#raw, f.name) : undefined;
      const initial = stateOf(f, raw, this.#sources[f.name]?.value);
      w.write(typed.get(f.name) ?? initial);
      w.label.dataset.initial = initial;
      if (w.status) w.label.addEventListener('input', () => this.onSecretInput());
      return w;
    });
    this.#fieldsBox.replaceChildren(
      ...this.#widgets.filter((w) => !COMMON_FIELDS.includes(w.field)).map((w) => w.label),
    );
    this.#commonBox.replaceChildren(
      ...this.#widgets.filter((w) => COMMON_FIELDS.includes(w.field)).map((w) => w.label),
    );
    this.#widgets
      .find((w) => w.field.name === 'clientAuthMethod')
      ?.label.addEventListener('change', () => this.#showApplicable());
    this.#showApplicable();
    this.#otherInitial = Object.keys(this.#raw)
      .filter((k) => k !== 'type' && !shown.has(k))
      .map((k) => this.#sources[k]?.pair ?? `${k}: ${JSON.stringify(this.#raw[k])}`)
      .join('\n');
  }

  /** Hides the fields the chosen client authentication method does not use (unless they hold a value). */
  #showApplicable() {
    const method = this.#widgets.find((w) => w.field.name === 'clientAuthMethod')?.read() ?? '';
    for (const w of this.#widgets) {
      const { methods } = w.field;
      if (!methods) continue;
      const empty = w.read() === stateOf(w.field, undefined, undefined);
      w.label.hidden = !methods.includes(method) && empty;
    }
  }

  #sizeOther() {
    this.#other.rows = Math.min(10, Math.max(2, this.#other.value.split('\n').length));
  }

  /** True when nothing differs from the definition as loaded. */
  untouched(): boolean {
    return (
      this.#typeSelect.value === (this.#raw.type ?? this.#type) &&
      this.#other.value === this.#otherInitial &&
      this.#widgets.every((w) => w.read() === w.label.dataset.initial)
    );
  }

  /** The labels of the fields the user changed (for a refused save: what was not saved). */
  changedLabels(): string[] {
    const out = this.#widgets.filter((w) => w.read() !== w.label.dataset.initial).map((w) => w.field.label);
    if (this.#typeSelect.value !== (this.#raw.type ?? this.#type)) out.unshift('Type');
    if (this.#other.value !== this.#otherInitial) out.push('Other fields');
    return out;
  }

  /** What to send: the definition as written, with only the user's changes applied. */
  body(): DefinitionBody {
    const fields = this.#fieldsOf(this.#type);
    const otherChanged = this.#other.value !== this.#otherInitial;
    const shown = new Set(Object.keys(this.#raw).filter((k) => groupAccepts(fields, this.#raw, k)));
    const definition: Record<string, unknown> = {};
    const type = this.#typeSelect.value;
    if (!Object.hasOwn(this.#raw, 'type')) definition.type = type;
    for (const [k, v] of Object.entries(this.#raw)) {
      if (k === 'type') definition.type = type;
      else if (shown.has(k) || !otherChanged) definition[k] = structuredClone(v);
    }
    const yamlFields: Record<string, string> = {};
    for (const w of this.#widgets) {
      const now = w.read();
      if (now === w.label.dataset.initial) continue;
      if (w.field.kind === 'yaml') {
        yamlFields[w.field.name] = now;
        continue;
      }
      setPath(definition, w.field.name, fieldValue(w.field, now, getPath(this.#raw, w.field.name)));
    }
    // A group emptied by the user goes away, not as `cache: {}`.
    for (const k of Object.keys(definition))
      if (isRecord(definition[k]) && Object.keys(definition[k]).length === 0 && !sameEmpty(this.#raw[k]))
        delete definition[k];
    return {
      definition,
      ...(Object.keys(yamlFields).length ? { yamlFields } : {}),
      ...(otherChanged ? { otherYaml: this.#other.value } : {}),
    };
  }
}
