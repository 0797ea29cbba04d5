import { describe, expect, it } from 'vitest';
import { renderError, renderWith } from './stdlib-env.js';

describe('toJson, json, fromJson', () => {
  it('write and read plain data in both forms', async () => {
    expect(await renderWith("<< {'a': [1, 'x', none, true]} | toJson >>")).toBe('{"a":[1,"x",null,true]}');
    expect(await renderWith("<< {'a': 1} | json >>")).toBe('{"a":1}');
    expect(await renderWith('<< (text | fromJson).a.b >>|<< json(text).a.b >>', { text: '{"a":{"b":2}}' })).toBe('2|2');
    expect(await renderWith('<< fromJson(none) is none >>')).toBe('true');
  });

  it('refuses invalid JSON without quoting it', async () => {
    const m = await renderError('<< fromJson(t) >>', { t: '{"token": "hunter2"' });
    expect(m).toContain("function 'fromJson': the text is not valid JSON");
    expect(m).not.toContain('hunter2');
    expect(await renderError('<< fromJson(5) >>')).toContain('expects JSON text');
  });
});

describe('number', () => {
  it('parses as NumberUtils, typed or inferred', async () => {
    expect(await renderWith('<< ("12.3" | number) + 1 >>')).toBe('13.3');
    expect(await renderWith('<< ("42" | number("INT")) * 2 >>')).toBe('84');
    expect(await renderWith('<< "0x1F" | number >>|<< "1e3" | number("DOUBLE") >>|<< "7L" | number("LONG") >>')).toBe(
      '31|1000|7',
    );
  });

  it('refuses what it cannot represent exactly', async () => {
    expect(await renderError('<< "12.5" | number("INT") >>')).toContain(
      "filter 'number': the text is not a INT number",
    );
    expect(await renderError('<< "2147483648" | number("INT") >>')).toContain('out of INT range');
    expect(await renderError('<< "9223372036854775807" | number >>')).toContain('beyond 2^53');
    expect(await renderError('<< "12" | number("SHORT") >>')).toContain('the type must be one of');
    expect(await renderError('<< "abc" | number >>')).toContain('the text is not a number');
  });
});
