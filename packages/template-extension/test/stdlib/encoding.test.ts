import { describe, expect, it } from 'vitest';
import { renderError, renderWith } from './stdlib-env.js';

describe('base64', () => {
  it('round-trips UTF-8 and refuses what is not Base64 without quoting it', async () => {
    expect(await renderWith('<< "ü€" | base64encode | base64decode >>')).toBe('ü€');
    expect(await renderWith('<< "dGVzdA" | base64decode >>')).toBe('test');
    const m = await renderError('<< s | base64decode >>', { s: 'not*base64' });
    expect(m).toContain("filter 'base64decode': the input is not valid Base64");
    expect(m).not.toContain('not*base64');
  });
});

describe('urlencode, urldecode', () => {
  it("encode as Java's URLEncoder", async () => {
    expect(await renderWith(`<< "a b!'()~*._-" | urlencode >>`)).toBe('a+b%21%27%28%29%7E*._-');
    expect(await renderWith("<< {'a b': 'c&d'} | urlencode >>")).toBe('a+b=c%26d');
    expect(await renderError('<< "%E0%A4%A" | urldecode >>')).toContain(
      "filter 'urldecode': the text is not valid URL encoding",
    );
  });
});

describe('hashes', () => {
  it('give lowercase hex digests of UTF-8 text', async () => {
    expect(await renderWith('<< "test" | sha1 >>')).toBe('a94a8fe5ccb19ba61c4c0873d391e987982fbbd3');
    expect(await renderWith('<< "test" | md5 >>')).toBe('098f6bcd4621d373cade4e832627b4f6');
    expect(await renderWith('<< "test" | sha512 | length >>')).toBe('128');
    expect(await renderError('<< 5 | sha256 >>')).toContain("filter 'sha256': needs text to hash");
  });
});
