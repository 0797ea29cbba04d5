/**
 * An independent leak oracle for tests: does some text (a CLI's output,
 * exported spans and metrics, an audit log, a Redis dump) hold a secret, a
 * token or a key, in any form a program could have written it?
 *
 * It is written here on purpose, apart from the product: it imports nothing
 * from `@credflow/credentials-core` and does not use the product's own list
 * of encodings (`sensitiveForms`), so it can find what that list misses.
 * Findings name the needle by its index and the form it was found in, never
 * the value.
 */

import { domainToASCII } from 'node:url';

/**
 * A value that must not appear: text (a secret, a token, a PEM) or raw bytes
 * (a key). The object form can turn the partial-leak search off for one
 * needle (`partial: false`), for a structured secret whose 16-character
 * pieces include text that is not secret (the field names of a
 * service-account JSON: search its `private_key` as a needle of its own).
 */
export type LeakNeedle = string | Uint8Array | { value: string | Uint8Array; partial?: boolean };

/** One needle found in the haystack. Holds no part of the needle. */
export interface LeakFinding {
  /** Index of the needle in the list given to {@link scanForLeaks}. */
  needle: number;
  /** The form it was found in: `raw`, `base64`, `hex (upper case)`, `16-character substring`, ... */
  form: string;
  /** Character offset in the haystack of the first occurrence (-1 when only a decoded view held it). */
  at: number;
  /** For `16-character substring`: where in the needle the piece found starts. */
  needleOffset?: number;
}

/** Options of {@link scanForLeaks} and {@link leakForms}. */
export interface LeakScanOptions {
  /** Length of the pieces searched as partial leaks, for needles longer than it (default 16). */
  window?: number;
  /**
   * Derived forms shorter than this are not searched (default 8): too short
   * to tell from chance. The raw needle is always searched.
   */
  minFormLength?: number;
  /** Compare without regard to case (for sinks that change case: header names, keys). */
  ignoreCase?: boolean;
}

/** One way a needle can be written. */
export interface LeakForm {
  form: string;
  text: string;
}

/** The forms every needle is searched in, by name (for documentation and reports). */
export const LEAK_FORMS = [
  'raw',
  'lower-case (a URL host, a header name)',
  'URL host (IDNA: lower-cased, mapped, punycode)',
  'json-escaped',
  'json-escaped twice',
  'json \\u-escaped',
  'percent-encoded',
  'percent-encoded (lower-case hex)',
  'percent-encoded (every byte)',
  'form-encoded',
  'uri-encoded',
  'html-escaped (&#39;, &#x27;, &apos;; &quot;, &#34;; nunjucks also \\ as &#92;)',
  'hex',
  'hex (upper case)',
  'base64, base64url, unpadded, and inside a longer string at byte offsets 0, 1 and 2 (of raw, json-escaped, percent- and form-encoded text: Basic user:pass included)',
  'base64 and hex line-wrapped (whitespace or \\n escapes removed)',
  'decoded Basic authorization header',
  '16-character substring',
  '16-character substring (lower-cased)',
] as const;

const utf8 = new TextEncoder();

/** The needle's value, without the object form. */
function needleValue(needle: LeakNeedle): string | Uint8Array {
  return typeof needle === 'string' || needle instanceof Uint8Array ? needle : needle.value;
}

function bytesOf(needle: string | Uint8Array): Uint8Array {
  return typeof needle === 'string' ? utf8.encode(needle) : needle;
}

function b64(bytes: Uint8Array, url: boolean): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(url ? 'base64url' : 'base64');
}

/**
 * The part of the base64 of `bytes` that does not depend on what comes
 * before or after them, when they start `offset` bytes (mod 3) into a longer
 * encoded string: a Basic header's `user:pass`, a JWT's JSON payload.
 */
function base64Core(bytes: Uint8Array, offset: number, url: boolean): string {
  const padded = new Uint8Array(offset + bytes.length);
  padded.set(bytes, offset);
  let s = b64(padded, url).replace(/=+$/, '');
  // The last character mixes the needle's last bits with the next byte's (or padding) unless the group is full.
  if ((offset + bytes.length) % 3 !== 0) s = s.slice(0, -1);
  // The first characters hold (some of) the preceding bytes: 2 for one byte before, 3 for two.
  return s.slice([0, 2, 3][offset]);
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** HTML escaping with the given spelling of `'` and `"`; `backslash` also escapes `\` (as nunjucks does: `&#92;`). */
function htmlEscape(v: string, apostrophe: string, quote = '&quot;', backslash?: string): string {
  return v.replace(/[&<>"'\\]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? quote
            : c === "'"
              ? apostrophe
              : (backslash ?? c),
  );
}

/**
 * What a WHATWG URL parser makes of `v` as a host (or one label of a
 * host): lower-cased, IDNA-mapped and punycode-encoded when not ASCII
 * (`Sécret` -> `xn--scret-bsa`). Undefined for text that cannot be a whole
 * host: with a delimiter a parser would stop at (`/`, `?`, `#`, `@`, `:`),
 * or refused as a host.
 */
function idnaHost(v: string): string | undefined {
  if (/[\s/?#@:\\%]/.test(v)) return undefined;
  return domainToASCII(v) || undefined;
}

function jsonInner(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

/** The base64 family of forms of `bytes`, named after `of` (`''` for the raw bytes). */
function base64Forms(bytes: Uint8Array, of: string): LeakForm[] {
  const suffix = of ? ` of ${of}` : '';
  const whole = b64(bytes, false);
  const out: LeakForm[] = [
    { form: `base64${suffix}`, text: whole },
    { form: `base64url${suffix}`, text: b64(bytes, true) },
    { form: `base64${suffix} (unpadded)`, text: whole.replace(/=+$/, '') },
  ];
  for (const url of [false, true]) {
    for (const offset of [0, 1, 2]) {
      const form = `${url ? 'base64url' : 'base64'}${suffix} (inside a longer string, byte offset ${offset})`;
      out.push({ form, text: base64Core(bytes, offset, url) });
    }
  }
  return out;
}

/**
 * Every form `needle` is searched in, most specific first (raw before its
 * encodings, a whole base64 before the inside-a-longer-string cores).
 * Forms with the same text are listed once, under the first name (a token
 * without `+` or `/` in its base64 is found as `base64url`, not also as
 * unpadded `base64`).
 */
export function leakForms(given: LeakNeedle, options: LeakScanOptions = {}): LeakForm[] {
  const min = options.minFormLength ?? 8;
  const needle = needleValue(given);
  const bytes = bytesOf(needle);
  const all: LeakForm[] = [];
  if (typeof needle === 'string') {
    const v = needle;
    const json = jsonInner(v);
    const percent = encodeURIComponent(v);
    const form = new URLSearchParams({ v }).toString().slice(2);
    const host = idnaHost(v);
    all.push(
      { form: 'raw', text: v },
      { form: 'lower-case', text: v.toLowerCase() },
      ...(host ? [{ form: 'URL host (IDNA)', text: host }] : []),
      { form: 'json-escaped', text: json },
      { form: 'json-escaped twice', text: jsonInner(json) },
      {
        form: 'json \\u-escaped',
        text: json.replace(/[^\x20-\x7e]|[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      },
      { form: 'percent-encoded', text: percent },
      { form: 'percent-encoded (lower-case hex)', text: percent.replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase()) },
      { form: 'form-encoded', text: form },
      { form: 'uri-encoded', text: encodeURI(v) },
      { form: 'html-escaped', text: htmlEscape(v, '&#39;') },
      { form: 'html-escaped (&#x27;)', text: htmlEscape(v, '&#x27;') },
      { form: 'html-escaped (&apos;)', text: htmlEscape(v, '&apos;') },
      { form: 'html-escaped (&#34;)', text: htmlEscape(v, '&#39;', '&#34;') },
      { form: 'html-escaped (nunjucks: \\ as &#92;)', text: htmlEscape(v, '&#39;', '&quot;', '&#92;') },
    );
  }
  all.push(
    {
      form: 'percent-encoded (every byte)',
      text: [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    },
    { form: 'hex', text: hexOf(bytes) },
    { form: 'hex (upper case)', text: hexOf(bytes).toUpperCase() },
    ...base64Forms(bytes, ''),
  );
  if (typeof needle === 'string') {
    const textual: [string, string][] = [
      ['json-escaped', jsonInner(needle)],
      ['percent-encoded', encodeURIComponent(needle)],
      // RFC 6749 section 2.3.1: client_secret_basic form-encodes id and secret before base64.
      ['form-encoded', new URLSearchParams({ v: needle }).toString().slice(2)],
    ];
    for (const [of, text] of textual) if (text !== needle) all.push(...base64Forms(utf8.encode(text), of));
  }
  const seen = new Set<string>();
  const out: LeakForm[] = [];
  for (const f of all) {
    const key = options.ignoreCase ? f.text.toLowerCase() : f.text;
    if (seen.has(key)) continue;
    if (f.form !== 'raw' && f.text.length < min) continue;
    if (f.text.length === 0) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

const BASE64_FAMILY = /^(base64|base64url|hex)/;

/** The haystack without whitespace and `\n`/`\r` escapes, with each character's offset in the original. */
function compacted(haystack: string): { text: string; offsets: number[] } {
  const offsets: number[] = [];
  let text = '';
  for (let i = 0; i < haystack.length; i++) {
    const c = haystack[i] as string;
    if (/\s/.test(c)) continue;
    if (c === '\\' && (haystack[i + 1] === 'n' || haystack[i + 1] === 'r')) {
      i++;
      continue;
    }
    offsets.push(i);
    text += c;
  }
  return { text, offsets };
}

/** The credentials of every `Basic <base64>` in the haystack, decoded (both halves percent-decoded too). */
function basicHeaders(haystack: string): { at: number; text: string }[] {
  const out: { at: number; text: string }[] = [];
  for (const m of haystack.matchAll(/\bBasic\s+([A-Za-z0-9+/_-]{4,}={0,2})/gi)) {
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    let formDecoded = decoded;
    try {
      formDecoded = decoded
        .split(':')
        .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')))
        .join(':');
    } catch {}
    out.push({ at: m.index, text: `${decoded}\n${formDecoded}` });
  }
  return out;
}

/**
 * Searches `haystack` for each needle in every form of {@link leakForms}, in
 * line-wrapped base64 and hex, inside decoded `Basic` headers, and for any
 * `window`-character piece (default 16) of a text needle longer than that
 * (a partial leak; not for a needle given with `partial: false`). Returns one finding per needle and form found (for
 * pieces: the first piece found), in needle order; an empty list means
 * nothing leaked. No finding holds any part of a needle.
 */
export function scanForLeaks(
  haystack: string,
  needles: readonly LeakNeedle[],
  options: LeakScanOptions = {},
): LeakFinding[] {
  const window = options.window ?? 16;
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  const text = fold(haystack);
  let compact: { text: string; offsets: number[] } | undefined;
  let windows: Set<string> | undefined;
  let basics: { at: number; text: string }[] | undefined;
  const findings: LeakFinding[] = [];
  needles.forEach((given, index) => {
    const needle = needleValue(given);
    for (const f of leakForms(needle, options)) {
      const t = fold(f.text);
      const at = text.indexOf(t);
      if (at >= 0) {
        findings.push({ needle: index, form: f.form, at });
        continue;
      }
      if (BASE64_FAMILY.test(f.form)) {
        compact ??= compacted(text);
        const c = compact.text.indexOf(t);
        if (c >= 0) findings.push({ needle: index, form: `${f.form}, line-wrapped`, at: compact.offsets[c] ?? -1 });
      }
    }
    if (typeof needle !== 'string' || needle.length === 0) return;
    basics ??= basicHeaders(haystack).map((b) => ({ at: b.at, text: fold(b.text) }));
    const hit = basics.find((b) => b.text.includes(fold(needle)));
    if (hit) findings.push({ needle: index, form: 'decoded Basic authorization header', at: hit.at });
    const partial = typeof given === 'string' || given instanceof Uint8Array || given.partial !== false;
    if (!partial || needle.length <= window) return;
    if (windows === undefined) {
      windows = new Set();
      for (let i = 0; i + window <= text.length; i++) windows.add(text.slice(i, i + window));
    }
    const folded = fold(needle);
    // The lower-cased needle's pieces too: a URL host (or a header name) is lower-cased by the sink.
    const lower = needle.toLowerCase();
    const views: [string, string][] = [[folded, `${window}-character substring`]];
    if (lower !== folded) views.push([lower, `${window}-character substring (lower-cased)`]);
    for (const [view, form] of views) {
      const i = firstPiece(view, window, windows);
      if (i >= 0) {
        findings.push({ needle: index, form, at: text.indexOf(view.slice(i, i + window)), needleOffset: i });
        break;
      }
    }
  });
  return findings;
}

/** Offset in `needle` of its first `window`-character piece that is in `windows`, or -1. */
function firstPiece(needle: string, window: number, windows: Set<string>): number {
  for (let i = 0; i + window <= needle.length; i++) if (windows.has(needle.slice(i, i + window))) return i;
  return -1;
}

/**
 * Findings as one line each, for assertion messages: `needle 3 (token) as
 * base64url at 1024`. `labels` names needles by index; nothing of a needle
 * is printed.
 */
export function describeFindings(findings: readonly LeakFinding[], labels: readonly string[] = []): string[] {
  return findings.map((f) => {
    const label = labels[f.needle] === undefined ? '' : ` (${labels[f.needle]})`;
    const piece = f.needleOffset === undefined ? '' : ` from needle offset ${f.needleOffset}`;
    return `needle ${f.needle}${label} as ${f.form}${piece} at ${f.at}`;
  });
}

/**
 * A secret as leak-scan needles: a JSON-object secret (a service-account
 * JSON) whole but without its 16-character pieces (its field names are
 * printed legitimately), and its secret fields (`private_key`,
 * `client_secret`, `secret`, `password`, `token`) as needles of their own;
 * any other value as itself.
 */
export function secretNeedles(value: string): LeakNeedle[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [value];
  }
  if (parsed === null || typeof parsed !== 'object') return [value];
  const fields = Object.entries(parsed as Record<string, unknown>)
    .filter(([k, v]) => /^(private_key|client_secret|secret|password|token)$/.test(k) && typeof v === 'string')
    .map(([, v]) => v as string);
  return [{ value, partial: false }, ...fields];
}
