import { describe, expect, it } from 'vitest';
import { renderError, renderWith } from './stdlib-env.js';

describe('abbreviate', () => {
  it("follows Pebble's rules", async () => {
    expect(await renderWith('<< "abcdef" | abbreviate(10) >>')).toBe('abcdef');
    expect(await renderWith('<< "abcdef" | abbreviate(6) >>')).toBe('abc...');
    expect(await renderWith('<< "abcdef" | abbreviate(2) >>')).toBe('ab');
    expect(await renderWith('<< "abc" | abbreviate(1) >>')).toBe('abc');
    expect(await renderError('<< "abc" | abbreviate(-1) >>')).toContain(
      "filter 'abbreviate': argument 'length' must be zero or more",
    );
  });
});

describe('replace', () => {
  it('applies the pairs of the map in order, in text, lists and maps', async () => {
    expect(await renderWith("<< 'abc' | replace({'a': 'b', 'b': 'c'}) >>")).toBe('ccc');
    expect(await renderWith("<< ['xa', {'k': 'a'}] | replace({'a': 'b'}) | toJson >>")).toBe('["xb",{"k":"b"}]');
    expect(await renderWith("<< 'ab' | replace({'': '-'}) >>")).toBe('-a-b-');
  });

  it("keeps nunjucks' replace(old, new) and refuses a function as replacement", async () => {
    expect(await renderWith('<< "aaa" | replace("a", "b", 2) >>')).toBe('bba');
    expect(await renderError('<< "a" | replace("a", fromJson) >>')).toContain('not a function');
  });

  it('caps the result and runs every regular expression in linear time (RE2)', async () => {
    const big = 'a'.repeat(100_000);
    expect(await renderError("<< s | replace({'a': t}) >>", { s: big, t: 'b'.repeat(200) })).toContain(
      'would exceed 10000000 characters',
    );
    expect(await renderError('<< s | replace("a", t) >>', { s: big, t: 'b'.repeat(200) })).toContain('would exceed');
    // Exponential on a backtracking engine (95 s for 30 characters in issue 26): linear on RE2.
    const evil = `${'a'.repeat(5000)}!`;
    expect(await renderWith("<< s | replace({'(a+)+$': 'x'}, regexp=true) >>", { s: evil })).toBe(evil);
    expect(await renderWith("<< 'aab' | replace({'(a+)+b': 'x'}, regexp=true) >>")).toBe('x');
    expect(await renderError("<< 'aaa' | replace({'(a)\\\\1': 'x'}, regexp=true) >>")).toContain('backreferences');
    expect(await renderError("<< 'aaa' | replace({'(?<=a)a': 'x'}, regexp=true) >>")).toContain('lookaround');
    expect(await renderError("<< 'aaa' | replace({'a': 'x'}, regexp='yes') >>")).toContain(
      "argument 'regexp' must be true or false",
    );
  });
});

describe('slugify', () => {
  it("drops accents and punctuation as Kestra's Slugify does", async () => {
    expect(await renderWith('<< "  Crème Brûlée: the_best -- recipe!  " | slugify >>')).toBe(
      'creme-brulee-the-best-recipe',
    );
    expect(await renderWith('<< "東京 2024" | slugify >>')).toBe('2024');
  });
});

describe('substring filters', () => {
  it('follow Apache Commons when the separator is missing or empty', async () => {
    expect(await renderWith('<< "abc" | substringBefore("x") >>|<< "abc" | substringAfter("x") >>')).toBe('abc|');
    expect(await renderWith('<< "abc" | substringBeforeLast("x") >>|<< "abc" | substringAfterLast("x") >>')).toBe(
      'abc|',
    );
    expect(await renderWith('<< "abc" | substringBefore("") >>|<< "abc" | substringAfter("") >>')).toBe('|abc');
    expect(
      await renderWith('<< "a.b." | substringAfterLast(".") >>|<< "a.b.c" | substringAfter(separator=".") >>'),
    ).toBe('|b.c');
    expect(await renderError('<< "abc" | substringBefore >>')).toContain(
      "filter 'substringBefore': expects an argument 'separator'",
    );
  });
});

describe('trim, startsWith, endsWith', () => {
  it("trims what Java's String.trim trims", async () => {
    expect(await renderWith('<< s | trim >>', { s: '\t\n x y \u0001' })).toBe('x y');
    expect(await renderWith('<< s | trim >>', { s: '\u00a0x\u00a0' })).toBe('\u00a0x\u00a0');
  });

  it('return booleans', async () => {
    expect(await renderWith('<% if "abc" | startsWith("ab") %>yes<% endif %>')).toBe('yes');
    expect(await renderWith('<< "abc" | endsWith("b") >>')).toBe('false');
  });
});

describe('split', () => {
  it("follows Java's String.split", async () => {
    const s = (expr: string) => renderWith(`<< ${expr} | toJson >>`);
    expect(await s("'a,b,,c,,' | split(',')")).toBe('["a","b","","c"]');
    expect(await s("'a,b,,c,,' | split(',', -1)")).toBe('["a","b","","c","",""]');
    expect(await s("'a1b22c' | split('\\\\d+')")).toBe('["a","b","c"]');
    expect(await s("'abc' | split('')")).toBe('["a","b","c"]');
    expect(await s("'' | split(',')")).toBe('[""]');
    expect(await s("'a.b' | split('.')")).toBe('[]');
  });

  it('caps the parts and splits on any delimiter in linear time (RE2)', async () => {
    expect(await renderError("<< s | split(',') >>", { s: `${','.repeat(200_000)}x` })).toContain(
      'more than 100000 parts',
    );
    // Cubic on a backtracking engine (39 s for 5,000 characters in issue 26): linear on RE2.
    expect(await renderWith("<< s | split('a*a*c') | length >>", { s: 'a'.repeat(100_000) })).toBe('1');
    expect(await renderWith("<< 'xaayaaz' | split('(a|aa)+') | join(',') >>")).toBe('x,y,z');
    expect(await renderError("<< 'aaa' | split('(') >>")).toContain('not valid');
  });
});
