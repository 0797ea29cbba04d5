/** The fixed mask: it never reveals the length of what it hides. */
export const MASK = '******';

/**
 * The forms a sensitive value may take in output: itself, base64,
 * base64url and URL-encoded (Kestra issues #8131 and #10526).
 */
export function sensitiveForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const buf = Buffer.from(value, 'utf8');
  forms.add(buf.toString('base64'));
  forms.add(buf.toString('base64').replace(/=+$/, ''));
  forms.add(buf.toString('base64url'));
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams([['', value]]).toString().slice(1));
  return [...forms].filter((f) => f.length > 0);
}

/** Values shorter than this are not masked: they would hide ordinary words and protect nothing. */
export const MIN_MASKED_LENGTH = 4;

/**
 * Replaces sensitive values (tokens, secrets) and their base64, base64url
 * and URL-encoded forms with the fixed {@link MASK}. Values can be added at
 * any time; longer forms are replaced first, so a value that contains
 * another is masked whole.
 */
export class Masker {
  readonly #forms = new Set<string>();
  #sorted: string[] | undefined;

  constructor(values: Iterable<string> = []) {
    for (const v of values) this.add(v);
  }

  /** Adds a value to hide from now on. */
  add = (value: string): void => {
    if (typeof value !== 'string' || value.length < MIN_MASKED_LENGTH) return;
    for (const f of sensitiveForms(value)) {
      if (f.length >= MIN_MASKED_LENGTH && !this.#forms.has(f)) {
        this.#forms.add(f);
        this.#sorted = undefined;
      }
    }
  };

  get size(): number {
    return this.#forms.size;
  }

  /** The text with every known value masked. */
  mask(text: string): string {
    if (this.#forms.size === 0 || !text) return text;
    this.#sorted ??= [...this.#forms].sort((a, b) => b.length - a.length);
    let out = text;
    for (const f of this.#sorted) if (out.includes(f)) out = out.split(f).join(MASK);
    return out;
  }

  /** A deep copy with every string (and object key) masked. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.mask(k)] = this.maskDeep(v);
      return out as T;
    }
    return value;
  }
}

/** Masks each value (and its encoded forms) in `text`; see {@link Masker}. */
export function redact(text: string, values: Iterable<string>): string {
  return new Masker(values).mask(text);
}
