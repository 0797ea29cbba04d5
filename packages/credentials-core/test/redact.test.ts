import { describe, expect, it } from 'vitest';
import { MASK, redact, sensitiveForms } from '../src/redact.js';

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
