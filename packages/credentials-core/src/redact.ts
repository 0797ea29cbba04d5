/** The fixed mask: it never reveals the length of what it hides. */
export const MASK = '******';

/** Values shorter than this are not masked: they would hide ordinary words and protect nothing. */
export const MIN_MASKED_LENGTH = 4;

/** Shifted base64 cores shorter than this are not used: they would match by chance. */
const MIN_SHIFTED_CORE = 8;

/**
 * The base64 (or base64url) characters that encode only bytes of `buf` when
 * `buf` starts `offset` bytes (0, 1 or 2) into a longer encoded text and
 * more bytes follow it: what `base64(prefix + value + suffix)` always holds,
 * e.g. `Basic base64(user:secret)` holds the secret's core at offset
 * `(user.length + 1) % 3`.
 */
function base64Core(buf: Buffer, offset: number, encoding: 'base64' | 'base64url'): string {
  const full = Buffer.concat([Buffer.alloc(offset), buf]).toString(encoding);
  return full.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + buf.length)) / 6));
}

const hex4 = (c: string) => (c.codePointAt(0) ?? 0).toString(16).padStart(4, '0');

/**
 * JSON string-escaped forms: as `JSON.stringify` writes it; with non-ASCII
 * as `\u` escapes (lower and upper case hex, as Python and Java write it);
 * with `<`, `>`, `&` escaped (Go); each also with `/` written `\/` (PHP);
 * and escaped twice (JSON text inside a JSON string).
 */
function jsonForms(value: string): string[] {
  const std = JSON.stringify(value).slice(1, -1);
  const lower = std.replace(/[\u0080-\uffff]/g, (c) => `\\u${hex4(c)}`);
  const upper = std.replace(/[\u0080-\uffff]/g, (c) => `\\u${hex4(c).toUpperCase()}`);
  const html = lower.replace(/[<>&]/g, (c) => `\\u${hex4(c)}`);
  const out = [std, lower, upper, html, JSON.stringify(std).slice(1, -1)];
  return [...out, ...out.map((f) => f.replaceAll('/', '\\/'))];
}

/**
 * What a WHATWG URL parser writes of a value in a host (and what a sink
 * that lower-cases, such as a header name, writes): the value lower-cased;
 * for non-ASCII text also its IDNA form (mapped, lower-cased, each label in
 * punycode: `Sécret` -> `xn--scret-bsa`), found also when the value is one
 * whole label of a longer host (labels are encoded one by one). Not covered:
 * a non-ASCII value that is only part of a label (its punycode depends on
 * the whole label). Text a parser would cut short (`/ ? # @ :` and the
 * like) gives no IDNA form, nor does an IPv4-like result.
 */
function hostForms(value: string): string[] {
  const out = [value.toLowerCase()];
  // Only text beyond printable ASCII has an IDNA form other than the lower-cased one.
  if (/[^ -~]/.test(value) && !/[\s/?#@:\\%[\]]/.test(value)) {
    try {
      const host = new URL(`http://${value}/`).hostname;
      if (!/^[\d.]*$/.test(host)) out.push(host);
    } catch {
      // Not a valid host: a URL parser refuses it, so prints no such form.
    }
  }
  return out;
}

/**
 * HTML-escaped forms, one per escaper: as nunjucks' `escape`, `forceescape`
 * and autoescape write them (its `escapeMap`: `& " ' < > \` as `&amp;
 * &quot; &#39; &lt; &gt; &#92;`); without the backslash (lodash,
 * escape-html); with `&#x27;` for `'` (Python's `html.escape`, he); with
 * `&#34;` and `&#39;` (Go's `html.EscapeString`, markupsafe); with `&apos;`
 * (XML). Values without any of these characters have none.
 */
const HTML_ESCAPERS: Readonly<Record<string, string>>[] = [
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\\': '&#92;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' },
];
const HTML_SPECIAL = /[&<>"'\\]/g;
function htmlForms(value: string): string[] {
  if (!/[&<>"'\\]/.test(value)) return [];
  return HTML_ESCAPERS.map((map) => value.replace(HTML_SPECIAL, (c) => map[c] ?? c));
}

/** `application/x-www-form-urlencoded` encoding (WHATWG URL: spaces as `+`). */
const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
/**
 * Percent-encoding as a WHATWG URL parser writes a value inside a URL: only
 * control characters, non-ASCII and `chars` are escaped (what
 * `new URL(...)` does to a query or a path).
 */
function urlPartEncode(value: string, chars: string): string {
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    out +=
      code < 0x21 || code > 0x7e || chars.includes(c)
        ? [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
        : c;
  }
  return out;
}
const URL_QUERY_ESCAPED = `"#<>'`;
const URL_PATH_ESCAPED = '"#<>?`{}';

/** The same percent-escapes with lower case hex digits, as some servers write them. */
const lowerEscapes = (text: string) => text.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());

/**
 * The forms a sensitive value may take in output: itself; base64 and
 * base64url (padded, unpadded, and the part that survives when the value is
 * encoded inside a longer text); URL-encoded (`encodeURIComponent`, form
 * encoding, `encodeURI`, and as a URL parser writes a query or a path; upper
 * and lower case escapes); JSON-escaped (see
 * {@link jsonForms}); hex (lower and upper case); lower-cased and as a URL
 * host (see {@link hostForms}); HTML-escaped (see {@link htmlForms}, for
 * text that no filter produced, such as nunjucks' autoescape: a filter
 * applied to a secret in a template registers its result as a value of its
 * own). Kestra issues #8131 and #10526 are the first two.
 */
export function sensitiveForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const buf = Buffer.from(value, 'utf8');
  for (const encoding of ['base64', 'base64url'] as const) {
    const unpadded = buf.toString(encoding).replace(/=+$/, '');
    forms.add(unpadded);
    forms.add(unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '='));
    for (const offset of [0, 1, 2]) {
      const core = base64Core(buf, offset, encoding);
      if (core.length >= MIN_SHIFTED_CORE) forms.add(core);
    }
  }
  for (const url of [
    encodeURIComponent(value),
    formEncode(value),
    encodeURI(value),
    urlPartEncode(value, URL_QUERY_ESCAPED),
    urlPartEncode(value, URL_PATH_ESCAPED),
  ]) {
    forms.add(url);
    forms.add(lowerEscapes(url));
  }
  for (const f of jsonForms(value)) forms.add(f);
  for (const f of hostForms(value)) forms.add(f);
  for (const f of htmlForms(value)) forms.add(f);
  const hex = buf.toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  return [...forms].filter((f) => f.length >= MIN_MASKED_LENGTH);
}

/**
 * The values to mask for an HTTP `Authorization` header value: the value,
 * its credentials (after the scheme) and, for `Basic`, the decoded
 * `user:password` pair and the password, so their encodings are masked too.
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function authorizationSecrets(header: string): string[] {
  const out = [header];
  const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+(.+?)\s*$/.exec(header);
  if (!m) return out;
  const [, scheme, credentials] = m as unknown as [string, string, string];
  out.push(credentials);
  if (scheme.toLowerCase() === 'basic') {
    const pair = Buffer.from(credentials, 'base64').toString('utf8');
    out.push(pair);
    const colon = pair.indexOf(':');
    if (colon >= 0) out.push(pair.slice(colon + 1));
  }
  return out;
}

/**
 * Replaces sensitive values (tokens, secrets, assertions, computed headers)
 * and every form {@link sensitiveForms} lists with the fixed {@link MASK}.
 * Values can be added at any time; longer forms are replaced first, so a
 * value that contains another is masked whole.
 */
export class Masker {
  readonly #values = new Set<string>();
  readonly #forms = new Set<string>();
  #sorted: string[] | undefined;

  constructor(values: Iterable<string> = []) {
    for (const v of values) this.add(v);
  }

  /** Adds a value to hide from now on (with all its forms). */
  add = (value: string): void => {
    if (typeof value !== 'string' || value.length < MIN_MASKED_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    for (const f of sensitiveForms(value)) {
      if (!this.#forms.has(f)) {
        this.#forms.add(f);
        this.#sorted = undefined;
      }
    }
  };

  /** Number of forms known. */
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

  /**
   * A deep copy with every string (and object key) masked, and every number
   * whose text shows a sensitive value (a number parsed from a secret)
   * replaced by the mask.
   */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (typeof value === 'number' && this.#forms.size > 0) {
      const text = String(value);
      return (this.mask(text) === text ? value : MASK) as T;
    }
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.mask(k)] = this.maskDeep(v);
      return out as T;
    }
    return value;
  }

  /**
   * Masks an error in place: its message, stack and own string fields
   * (e.g. `error_description`), and those of its causes. Returns it.
   */
  maskError<E>(err: E, depth = 0): E {
    if (!(err instanceof Error) || depth > 4) return err;
    const fields = err as unknown as Record<string, unknown>;
    for (const k of ['message', 'stack', ...Object.keys(err)]) {
      const v = fields[k];
      if (typeof v === 'string') {
        const masked = this.mask(v);
        if (masked !== v) Object.defineProperty(err, k, { value: masked, writable: true, configurable: true });
      }
    }
    if (err.cause !== undefined) this.maskError(err.cause, depth + 1);
    return err;
  }
}

/** Masks each value (and its encoded forms) in `text`; see {@link Masker}. */
export function redact(text: string, values: Iterable<string>): string {
  return new Masker(values).mask(text);
}
