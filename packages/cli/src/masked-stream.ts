import { Masker } from '@credflow/credentials-core';

/**
 * Characters that end any form of a sensitive value: none of the encodings
 * the Masker knows (base64, percent, JSON and HTML escapes, hex, IDNA)
 * writes one, so a form holds one only when the value itself (or its
 * lower-case or NFKC-mapped text) does. Output is cut only at these.
 */
const BOUNDARIES = ' \t\n\r\f\v"\'<>,:?!()[]{}|';

/** Bytes as text, one character per byte: any output passes unchanged. */
const BYTES = 'latin1';

/** A value's UTF-8 bytes as {@link BYTES} text: how a command writes it. */
const asBytes = (text: string): string => Buffer.from(text, 'utf8').toString(BYTES);

/**
 * An upper bound of the length in bytes of the longest form the Masker may
 * match of `value`: 7 per byte (a control character escaped twice as JSON,
 * `\\u0001`, is the widest), 4 more for base64 padding, and the IDNA host
 * form measured (its NFKC mapping can grow a character many times).
 * `masked-stream.test.ts` checks it against every form of many values.
 */
export function longestFormBytes(value: string): number {
  let n = 7 * Buffer.byteLength(value, 'utf8') + 4;
  try {
    n = Math.max(n, Buffer.byteLength(new URL(`http://${value}/`).hostname, 'utf8'));
  } catch {
    // Not a host: no IDNA form.
  }
  return n;
}

/**
 * How a command's output is masked: the values registered (tokens, client
 * secrets, assertions) in every form their Masker knows, found in the bytes
 * as written (UTF-8 for non-ASCII text), and how much of the output's end
 * must wait for more because it could be the start of one.
 */
export class StreamMasks {
  /** Longest form in bytes, minus one: the most output ever held back. */
  readonly maxHold: number;
  readonly #text: Masker;
  /** Non-ASCII values as UTF-8 bytes (and lower-cased): the Masker knows them as text. */
  readonly #bytes = new Masker();
  readonly #boundary = new Uint8Array(128);

  /** `masker` knows `values` (exec adds each to both as the store reports it). */
  constructor(masker: Masker, values: readonly string[]) {
    this.#text = masker;
    for (const c of BOUNDARIES) this.#boundary[c.charCodeAt(0)] = 1;
    let longest = 0;
    for (const v of values) {
      longest = Math.max(longest, longestFormBytes(v));
      const nfkc = v.normalize('NFKC');
      for (const t of [v, v.toLowerCase(), v.toUpperCase(), nfkc, nfkc.toLowerCase()]) {
        for (const c of t) if (c.charCodeAt(0) < 128) this.#boundary[c.charCodeAt(0)] = 0;
      }
      if (Buffer.byteLength(v, 'utf8') !== v.length) {
        this.#bytes.add(asBytes(v));
        this.#bytes.add(asBytes(v.toLowerCase()));
      }
    }
    this.maxHold = Math.max(0, longest - 1);
  }

  /** `text` (bytes as {@link BYTES} text) with every form found masked. */
  mask(text: string): string {
    return this.#bytes.mask(this.#text.mask(text));
  }

  /**
   * Where the part of `text` (bytes not yet masked) that is safe to mask
   * and write ends: before its last run of characters that could be in a
   * form, which may be a value's first part. `atBoundary`: the run starts
   * after a character no form of any value holds, so no value crosses
   * `end`; otherwise the run is longer than {@link maxHold} and `end` is
   * that far from the end.
   */
  cut(text: string): { end: number; atBoundary: boolean } {
    const min = Math.max(0, text.length - this.maxHold);
    for (let i = text.length; i > min; i--) {
      const c = text.charCodeAt(i - 1);
      if (c < 128 && this.#boundary[c] === 1) return { end: i, atBoundary: true };
    }
    return { end: min, atBoundary: min === 0 };
  }
}

/** How many characters at the ends of `a` and `b` are the same (up to `max`). */
function sameEnd(a: string, b: string, max: number): number {
  let n = 0;
  while (n < max && n < a.length && n < b.length && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n))
    n++;
  return n;
}

/**
 * A writer that masks sensitive values in a byte stream (a command's stdout
 * or stderr). Each chunk is masked with what was held back of the previous
 * ones and written at once, except its end when that could be the start of
 * a value: that waits for more output (or the end of the stream), so a
 * value split across chunks, written slowly or at any offset, is masked
 * whole. Output is read as bytes (one character each): binary output and
 * multi-byte UTF-8 characters split across chunks pass unchanged.
 */
export class MaskedStream {
  #held = '';

  constructor(
    private readonly masks: StreamMasks,
    private readonly out: (data: Uint8Array) => void,
  ) {}

  /**
   * Takes a chunk of output. What is held back stays as written (not yet
   * masked), so a shorter form masked early never hides that it was the
   * start of a longer one.
   */
  write = (chunk: Uint8Array): void => {
    const text = this.#held + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(BYTES);
    const { end, atBoundary } = this.masks.cut(text);
    let out = '';
    if (atBoundary) {
      out = this.masks.mask(text.slice(0, end));
      this.#held = text.slice(end);
    } else {
      // A long run: every form that starts before `end` ends within `text` (none is longer than maxHold + 1),
      // so `text` is masked whole; its last maxHold bytes wait unless a form masked reaches into them.
      const masked = this.masks.mask(text);
      const tail = text.length - end;
      if (sameEnd(masked, text, tail) === tail) {
        out = masked.slice(0, masked.length - tail);
        this.#held = text.slice(end);
      } else {
        this.#held = text;
      }
    }
    if (out) this.out(Buffer.from(out, BYTES));
  };

  /** The stream ended: writes what was held back (masked). */
  end = (): void => {
    const text = this.masks.mask(this.#held);
    this.#held = '';
    if (text) this.out(Buffer.from(text, BYTES));
  };
}
