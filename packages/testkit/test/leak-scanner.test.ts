import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeFindings, type LeakFinding, leakForms, scanForLeaks } from '../src/leak-scanner.js';

// Every planted form below is computed here with Node's own encoders, not with the scanner's.
const random = (n: number) => randomBytes(n).toString('base64url');
/** A secret with the characters that make encodings differ: quote, backslash, slash, space, `+`, `:`, `&`, `<`, `'`, non-ASCII. */
const SECRET = `s3cr"et\\/ é+ü:&<'${random(18)}`;
const TOKEN = `at-${random(30)}`;
const NEEDLES = [SECRET, TOKEN];
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const forms = (text: string, needles: (string | Uint8Array)[] = NEEDLES) =>
  scanForLeaks(`prefix text ${text} suffix text`, needles).map((f) => f.form);

describe('leak scanner: finds each form', () => {
  const planted: [string, string, string | RegExp][] = [
    ['raw', SECRET, 'raw'],
    ['base64', b64(SECRET), 'base64'],
    ['base64 without padding', b64(`${SECRET}x`).replace(/=+$/, ''), /^base64/],
    ['base64url', b64url(SECRET), 'base64url'],
    ['base64 inside a longer string, offset 1', b64(`a${SECRET}zz`), 'base64 (inside a longer string, byte offset 1)'],
    ['base64 inside a longer string, offset 2', b64(`ab${SECRET}z`), 'base64 (inside a longer string, byte offset 2)'],
    ['base64 inside a longer string, offset 0', b64(`abc${SECRET}`), 'base64 (inside a longer string, byte offset 0)'],
    [
      'base64url of a JWT payload (JSON-escaped inside)',
      b64url(JSON.stringify({ sub: 'x', s: SECRET })),
      /^base64(url)? of json-escaped/,
    ],
    ['hex', Buffer.from(SECRET).toString('hex'), 'hex'],
    ['hex upper case', Buffer.from(SECRET).toString('hex').toUpperCase(), 'hex (upper case)'],
    ['percent-encoded', encodeURIComponent(SECRET), 'percent-encoded'],
    ['form-encoded', new URLSearchParams({ q: SECRET }).toString(), 'form-encoded'],
    ['JSON-escaped', JSON.stringify({ k: SECRET }), 'json-escaped'],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify({ k: SECRET })), 'json-escaped twice'],
    [
      'HTML-escaped',
      SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      'html-escaped',
    ],
    [
      'HTML-escaped as nunjucks writes it (escapeMap: \\ as &#92;)',
      SECRET.replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;')
        .replace(/\\/g, '&#92;'),
      'html-escaped (nunjucks: \\ as &#92;)',
    ],
    [
      'HTML-escaped as Go writes it (&#34;)',
      SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
      'html-escaped (&#34;)',
    ],
    ['Basic user:pass', `Authorization: Basic ${b64(`client-id:${SECRET}`)}`, 'decoded Basic authorization header'],
    [
      'Basic per RFC 6749 2.3.1 (form-encoded, then base64)',
      `Basic ${b64(`client-id:${new URLSearchParams({ v: SECRET }).toString().slice(2)}`)}`,
      /^base64 of form-encoded \(inside a longer string/,
    ],
    [
      'line-wrapped base64 (PEM, 16 columns)',
      b64(`${SECRET}${SECRET}`).replace(/.{16}/g, '$&\n'),
      /^base64.*line-wrapped$/,
    ],
    ['a 16-character piece', TOKEN.slice(7, 23), '16-character substring'],
  ];
  for (const [what, text, form] of planted) {
    it(what, () => {
      const found = scanForLeaks(`prefix text ${text} suffix text`, NEEDLES);
      expect(found.length, what).toBeGreaterThan(0);
      expect(found.map((f) => f.form)).toContainEqual(typeof form === 'string' ? form : expect.stringMatching(form));
    });
  }

  it('finds a needle lower-cased or turned into a URL host (IDNA, punycode), whole or as a piece', () => {
    // The WHATWG URL parser lower-cases a host and writes a non-ASCII label in punycode: computed here with URL.
    const mixed = `MixedCase-${random(12).replace(/[-_]/g, 'Q')}X`;
    const unicode = `Sécret-Ünïcode-${random(9).replace(/[-_]/g, 'q')}`;
    const hostOf = (label: string) => new URL(`http://api.${label}.invalid/x`).hostname;
    expect(hostOf(mixed)).toBe(`api.${mixed.toLowerCase()}.invalid`);
    expect(hostOf(unicode)).toMatch(/^api\.xn--[a-z0-9-]+\.invalid$/);
    const found = (text: string, needle: string) =>
      scanForLeaks(`GET http://${text}/x failed`, [needle]).map((f) => f.form);
    expect(found(hostOf(mixed), mixed)).toContain('lower-case');
    expect(found(hostOf(unicode), unicode)).toContain('URL host (IDNA)');
    expect(found(mixed.toLowerCase().slice(2, 19), mixed)).toEqual(['16-character substring (lower-cased)']);
    // Not a host: text a parser would cut at a delimiter gives no host form (`abc@example.com` is not `example.com`).
    expect(leakForms('user-name@example.com').map((f) => f.form)).not.toContain('URL host (IDNA)');
    expect(leakForms('ÄÖÜ-path/with/slashes').map((f) => f.form)).not.toContain('URL host (IDNA)');
  });

  it('names the needle by its index and where it was found', () => {
    const text = `0123456789${b64url(TOKEN)}`;
    expect(scanForLeaks(text, NEEDLES)).toContainEqual({ needle: 1, form: expect.stringMatching(/^base64/), at: 10 });
    const piece = scanForLeaks(`xx ${TOKEN.slice(5, 22)}`, NEEDLES).find((f) => f.form === '16-character substring');
    expect(piece).toEqual({ needle: 1, form: '16-character substring', at: 3, needleOffset: 5 });
  });

  it('finds byte needles (keys) in hex, base64 and base64url', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(forms(text, [key]).length).toBeGreaterThan(0);
    }
  });

  it('searches no pieces of a needle given with partial: false (a structured secret), but every whole form', () => {
    const sa = JSON.stringify({ type: 'service_account', private_key_id: 'k1', private_key: SECRET });
    const printed = 'missing field "private_key_id" in the service account';
    expect(scanForLeaks(printed, [sa]).map((f) => f.form)).toEqual(['16-character substring']);
    expect(scanForLeaks(printed, [{ value: sa, partial: false }])).toEqual([]);
    expect(scanForLeaks(b64(sa), [{ value: sa, partial: false }]).map((f) => f.form)).toContain('base64');
  });

  it('ignores case when asked (hex or base64 lower-cased by a sink)', () => {
    expect(scanForLeaks(b64(TOKEN).toLowerCase(), [TOKEN])).toEqual([]);
    expect(scanForLeaks(b64(TOKEN).toLowerCase(), [TOKEN], { ignoreCase: true }).map((f) => f.form)).toContain(
      'base64',
    );
  });

  it('never reports any part of a needle: findings hold indexes, form names and offsets', () => {
    const all: LeakFinding[] = scanForLeaks([SECRET, TOKEN, b64(SECRET), TOKEN.slice(3, 20)].join(' '), NEEDLES);
    expect(all.length).toBeGreaterThan(3);
    const printed = `${JSON.stringify(all)}\n${describeFindings(all, ['secret', 'token']).join('\n')}`;
    expect(scanForLeaks(printed, NEEDLES)).toEqual([]);
    expect(describeFindings(all, ['secret', 'token'])[0]).toMatch(/^needle 0 \(secret\) as raw at \d+$/);
  });
});

describe('leak scanner: no false positives', () => {
  it('finds nothing in unrelated text, other tokens, other encodings, or pieces shorter than 16', () => {
    const unrelated = [
      'The quick brown fox jumps over the lazy dog. '.repeat(20),
      JSON.stringify({ access_token: '******', scope: 'read write', expires_in: 3600, token_type: 'Bearer' }),
      `at-${random(30)}`,
      b64(`another:${random(20)}`),
      Buffer.from(random(20)).toString('hex'),
      encodeURIComponent(`s3cr"et/ é+ü:&<' not the secret`),
      'Basic Y2xpZW50LWlkOm5vdC10aGUtc2VjcmV0',
      TOKEN.slice(0, 15),
      SECRET.slice(-15),
      'credflow.secret.read credflow.secret.name=CLIENT_SECRET credflow.outcome=success',
    ].join('\n');
    expect(scanForLeaks(unrelated, NEEDLES)).toEqual([]);
  });

  it('lists each form once, and skips derived forms too short to mean anything', () => {
    const f = leakForms('abc');
    expect(f[0]).toEqual({ form: 'raw', text: 'abc' });
    expect(f.every((x) => x.form === 'raw' || x.text.length >= 8)).toBe(true);
    const texts = leakForms(SECRET).map((x) => x.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(scanForLeaks('', NEEDLES)).toEqual([]);
  });
});
