import { MASK, sensitiveForms } from '@credflow/credentials-core';

/** Values shorter than this are not masked: they would hide ordinary words and protect nothing. */
export const MIN_MASKED_LENGTH = 4;

/**
 * Replaces every sensitive value of an execution (tokens, secrets) and its
 * base64, base64url and URL-encoded forms with the fixed `******`.
 */
export class Masker {
  readonly #forms = new Set<string>();
  #sorted: string[] | undefined;

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
