import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizationSecrets, MASK, Masker, redact, sensitiveForms } from '../src/redact.js';

describe('redact', () => {
  const token = 'ghs_abcDEF123+/secret=value';

  it('masks the value and its base64, base64url and URL-encoded forms with a fixed mask', () => {
    const b64 = Buffer.from(token).toString('base64');
    const b64url = Buffer.from(token).toString('base64url');
    const text = `a ${token} b ${b64} c ${b64url} d ${encodeURIComponent(token)}`;
    const out = redact(text, [token]);
    expect(out).toBe(`a ${MASK} b ${MASK} c ${MASK} d ${MASK}`);
    for (const f of sensitiveForms(token)) expect(out).not.toContain(f);
  });

  it('masks a long value whole when it contains a shorter one', () => {
    expect(redact('x abcdefgh y', ['abcd', 'abcdefgh'])).toBe(`x ${MASK} y`);
  });

  it('leaves text alone without values, and ignores values under 4 characters', () => {
    expect(redact('hello', [])).toBe('hello');
    expect(redact('a b c', ['a'])).toBe('a b c');
    expect(redact('abc YWJj 616263', ['abc'])).toBe('abc YWJj 616263');
  });
});

describe('Masker: every encoding', () => {
  const secret = 'p@ss "quoted" \\ back/slash é ünï 🔑 & <tag> +plus';
  const m = new Masker([secret]);
  const buf = Buffer.from(secret);
  // Each form written out here, not taken from sensitiveForms().
  const forms: Record<string, string> = {
    raw: secret,
    base64: buf.toString('base64'),
    'base64 unpadded': buf.toString('base64').replace(/=+$/, ''),
    base64url: buf.toString('base64url'),
    'base64url padded': `${buf.toString('base64url')}${'='.repeat((4 - (buf.toString('base64url').length % 4)) % 4)}`,
    encodeURIComponent: encodeURIComponent(secret),
    'form encoding': new URLSearchParams({ s: secret }).toString().slice(2),
    'lower case escapes': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    encodeURI: encodeURI(secret),
    'URL query, as new URL() writes it': new URL(`http://h/?${secret}`).search.slice(1),
    'JSON.stringify': JSON.stringify(secret).slice(1, -1),
    'JSON, \\u escapes': 'p@ss \\"quoted\\" \\\\ back/slash \\u00e9 \\u00fcn\\u00ef \\ud83d\\udd11 & <tag> +plus',
    'JSON, \\u escapes upper case':
      'p@ss \\"quoted\\" \\\\ back/slash \\u00E9 \\u00FCn\\u00EF \\uD83D\\uDD11 & <tag> +plus',
    'JSON, escaped /': 'p@ss \\"quoted\\" \\\\ back\\/slash é ünï 🔑 & <tag> +plus',
    'JSON, \\u and escaped /':
      'p@ss \\"quoted\\" \\\\ back\\/slash \\u00e9 \\u00fcn\\u00ef \\ud83d\\udd11 & <tag> +plus',
    'JSON, Go html escapes':
      'p@ss \\"quoted\\" \\\\ back/slash \\u00e9 \\u00fcn\\u00ef \\ud83d\\udd11 \\u0026 \\u003ctag\\u003e +plus',
    'JSON twice': JSON.stringify(JSON.stringify(secret)).slice(3, -3),
    hex: buf.toString('hex'),
    'hex upper case': buf.toString('hex').toUpperCase(),
  };

  it.each(Object.entries(forms))('masks the %s form', (_name, form) => {
    expect(m.mask(`<${form}>`)).toBe(`<${MASK}>`);
  });

  it('masks a path segment as new URL() writes it', () => {
    const value = 'tok en/"x"{y}';
    expect(new Masker([value]).mask(new URL(`http://h/a/${value}`).pathname)).toBe(`/a/${MASK}`);
  });

  it('masks a PEM inside JSON.stringify output', () => {
    const pem = String(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const pm = new Masker([pem]);
    const text = JSON.stringify({ body: JSON.stringify({ key: pem }), key: pem });
    expect(pm.mask(text)).toBe(`{"body":"{\\"key\\":\\"${MASK}\\"}","key":"${MASK}"}`);
  });

  it('masks a value inside a longer base64 text at any byte offset', () => {
    const value = 'client-secret-0123456789';
    const vm = new Masker([value]);
    for (const prefix of ['', 'a', 'ab', 'abc:', 'user:']) {
      const encoded = Buffer.from(`${prefix}${value}:more`).toString('base64');
      const out = vm.mask(encoded);
      expect(out, prefix).toContain(MASK);
      // What is left around the mask is at most the boundary characters.
      expect(out.replace(MASK, '').length, prefix).toBeLessThanOrEqual(Math.ceil((prefix.length + 5) * (4 / 3)) + 4);
    }
  });

  it('masks values and their encodings deeply, keys too', () => {
    const t = new Masker();
    const token = 'ghs_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ+/=';
    t.add(token);
    t.add('abc'); // too short to mask
    const b64 = Buffer.from(token).toString('base64');
    expect(t.mask(`t=${token} b=${b64} u=${encodeURIComponent(token)} abc`)).toBe('t=****** b=****** u=****** abc');
    expect(t.maskDeep({ a: [token, { [token]: 1 }], n: 3 })).toEqual({ a: ['******', { '******': 1 }], n: 3 });
  });

  it('masks the longest value first', () => {
    const t = new Masker();
    t.add('secret');
    t.add('secret-and-more');
    expect(t.mask('x secret-and-more y secret')).toBe('x ****** y ******');
  });

  it('masks an error in place: message, stack, fields and causes', () => {
    const t = new Masker(['s3cr3t-value']);
    const cause = new Error('inner s3cr3t-value');
    const err = Object.assign(new Error('outer s3cr3t-value', { cause }), { error_description: 'got s3cr3t-value' });
    expect(t.maskError(err)).toBe(err);
    expect(err.message).toBe(`outer ${MASK}`);
    expect(err.stack).not.toContain('s3cr3t-value');
    expect(err.error_description).toBe(`got ${MASK}`);
    expect(cause.message).toBe(`inner ${MASK}`);
  });
});

describe('authorizationSecrets', () => {
  it('gives the header, its credentials, and the Basic pair and password', () => {
    const header = `Basic ${Buffer.from('user:pa:ss').toString('base64')}`;
    expect(authorizationSecrets(header)).toEqual([
      header,
      Buffer.from('user:pa:ss').toString('base64'),
      'user:pa:ss',
      'pa:ss',
    ]);
    expect(authorizationSecrets('Bearer abc.def')).toEqual(['Bearer abc.def', 'abc.def']);
  });

  it('masks a Basic header and the pair in every form', () => {
    const t = new Masker(authorizationSecrets(`Basic ${Buffer.from('alice:wonderland-pw').toString('base64')}`));
    expect(t.mask(`h=${Buffer.from('alice:wonderland-pw').toString('base64')}`)).toBe(`h=${MASK}`);
    expect(t.mask(`u=${encodeURIComponent('alice:wonderland-pw')}`)).toBe(`u=${MASK}`);
  });
});

// Issue 26 (6): a URL parser lower-cases a host and writes a non-ASCII one in punycode. Every
// expected form below is written out by hand (checked once against Node's domainToASCII), not
// computed with sensitiveForms().
describe('Masker: lower-cased and URL host forms', () => {
  it('masks a mixed-case value lower-cased, as a URL host prints it, whole or inside a label', () => {
    const m = new Masker(['PlainSecretValue9C0D1E2F']);
    expect(m.mask('GET http://plainsecretvalue9c0d1e2f.invalid/x failed: ENOTFOUND')).toBe(
      `GET http://${MASK}.invalid/x failed: ENOTFOUND`,
    );
    expect(m.mask('http://api-plainsecretvalue9c0d1e2f-v2.invalid/')).toBe(`http://api-${MASK}-v2.invalid/`);
    // What a real parser writes.
    expect(m.mask(new URL('http://PlainSecretValue9C0D1E2F.invalid/x').origin)).toBe(`http://${MASK}.invalid`);
  });

  it.each([
    ['Sécret-Ünïcode-Value', 'xn--scret-ncode-value-btb4jql'],
    ['Ünïcode.Sécret', 'xn--ncode-cta3g.xn--scret-bsa'],
    ['Straße-Geheim', 'xn--strae-geheim-o9a'],
    ['ＳｅｃｒｅｔＶａｌｕｅ', 'secretvalue'],
  ])('masks the IDNA form of %j (%s), as a whole host or as labels of a longer one', (value, idna) => {
    const m = new Masker([value]);
    expect(m.mask(`GET https://api.${idna}.invalid/x failed`)).toBe(`GET https://api.${MASK}.invalid/x failed`);
    expect(m.mask(`https://${idna}/`)).toBe(`https://${MASK}/`);
    expect(m.mask(new URL(`https://api.${value}.invalid/x`).origin)).toBe(`https://api.${MASK}.invalid`);
  });

  it('masks a non-ASCII value lower-cased', () => {
    expect(new Masker(['Sécret-Ünïcode-Value']).mask('id sécret-ünïcode-value')).toBe(`id ${MASK}`);
  });

  it('adds no host form for text a parser would cut short or read as an IPv4 address', () => {
    // `http://Ünï-user@example.com` has the host example.com: not a form of the value.
    expect(new Masker(['Ünï-user@example.com']).mask('http://example.com/ and example.com')).toBe(
      'http://example.com/ and example.com',
    );
    expect(new Masker(['Äpath/example.org']).mask('https://example.org/')).toBe('https://example.org/');
    // Full-width digits map to 127.0.0.1.
    expect(new Masker(['１２７.０.０.１']).mask('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
  });
});

// Issue 26 (9): text that no filter produced but nunjucks' autoescape (or another HTML escaper)
// wrote. nunjucks lib.js escapeMap: & " ' < > \ as &amp; &quot; &#39; &lt; &gt; &#92;.
describe('Masker: HTML-escaped forms', () => {
  const secret = `it's a "<b>&</b>" \\ secret-9F8E`;
  const m = new Masker([secret]);
  const forms: Record<string, string> = {
    'nunjucks escape, forceescape and autoescape': 'it&#39;s a &quot;&lt;b&gt;&amp;&lt;/b&gt;&quot; &#92; secret-9F8E',
    'lodash, escape-html (backslash kept)': 'it&#39;s a &quot;&lt;b&gt;&amp;&lt;/b&gt;&quot; \\ secret-9F8E',
    "Python html.escape, he (&#x27; for ')": 'it&#x27;s a &quot;&lt;b&gt;&amp;&lt;/b&gt;&quot; \\ secret-9F8E',
    'Go html.EscapeString, markupsafe (&#34; for ")': 'it&#39;s a &#34;&lt;b&gt;&amp;&lt;/b&gt;&#34; \\ secret-9F8E',
    "XML (&apos; for ')": 'it&apos;s a &quot;&lt;b&gt;&amp;&lt;/b&gt;&quot; \\ secret-9F8E',
  };

  it.each(Object.entries(forms))('masks the %s form', (_name, form) => {
    expect(m.mask(`<p>${form}</p>`)).toBe(`<p>${MASK}</p>`);
  });

  it('masks the escaped form of a value with only some of the characters', () => {
    const pw = new Masker(['pa&ss<word>-1234']);
    expect(pw.mask('pw=pa&amp;ss&lt;word&gt;-1234;')).toBe(`pw=${MASK};`);
  });

  it('masks the escaped forms of the encoding-test secret too', () => {
    const s = new Masker(['p@ss "quoted" \\ back/slash é ünï 🔑 & <tag> +plus']);
    expect(s.mask('[p@ss &quot;quoted&quot; &#92; back/slash é ünï 🔑 &amp; &lt;tag&gt; +plus]')).toBe(`[${MASK}]`);
    expect(s.mask('[p@ss &#34;quoted&#34; \\ back/slash é ünï 🔑 &amp; &lt;tag&gt; +plus]')).toBe(`[${MASK}]`);
  });
});
