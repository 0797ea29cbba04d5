import { describe, expect, it } from 'vitest';
import { MASK, Masker, redact, sensitiveForms } from '../src/redact.js';

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
  });
});

describe('Masker', () => {
  it('masks values and their encodings with a fixed mask, deeply', () => {
    const m = new Masker();
    const token = 'ghs_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ+/=';
    m.add(token);
    m.add('abc'); // too short to mask
    const b64 = Buffer.from(token).toString('base64');
    expect(m.mask(`t=${token} b=${b64} u=${encodeURIComponent(token)} abc`)).toBe('t=****** b=****** u=****** abc');
    expect(m.maskDeep({ a: [token, { [token]: 1 }], n: 3 })).toEqual({ a: ['******', { '******': 1 }], n: 3 });
  });

  it('masks the longest value first', () => {
    const m = new Masker();
    m.add('secret');
    m.add('secret-and-more');
    expect(m.mask('x secret-and-more y secret')).toBe('x ****** y ******');
  });
});
