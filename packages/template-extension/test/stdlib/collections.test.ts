import { describe, expect, it } from 'vitest';
import { renderError, renderWith } from './stdlib-env.js';

describe('default', () => {
  it('replaces undefined, null, blank text, empty lists and maps; keeps 0 and false', async () => {
    const ctx = { n: null, blank: '  ', list: [], map: {}, zero: 0, no: false, text: 'x' };
    const r = (name: string) => renderWith(`<< ${name} | default("D") >>`, ctx);
    for (const name of ['missing', 'n', 'blank', 'list', 'map']) expect(await r(name)).toBe('D');
    expect(await r('zero')).toBe('0');
    expect(await r('no')).toBe('false');
    expect(await r('text')).toBe('x');
    expect(await renderWith('<< inputs.count | default(5) >>', { inputs: {} })).toBe('5');
  });
});

describe('first, last, length', () => {
  it('give null for empty lists and text, and refuse maps', async () => {
    expect(await renderWith('<< ([] | first) is none >>|<< ("" | last) is none >>')).toBe('true|true');
    expect(await renderError("<< {'a': 1} | first >>")).toContain("filter 'first': expects a list or text, not a map");
  });

  it('counts maps and gives 0 for null and numbers', async () => {
    expect(await renderWith("<< {'a': 1, 'b': 2} | length >>|<< n | length >>|<< 5 | length >>", { n: null })).toBe(
      '2|0|0',
    );
  });
});

describe('keys, values', () => {
  it('list the indexes of a list and refuse other values', async () => {
    expect(await renderWith("<< ['x', 'y'] | keys | toJson >>")).toBe('[0,1]');
    expect(await renderError("<< 'x' | keys >>")).toContain(
      "filter 'keys': can only be applied to a list or a map, not a string",
    );
    expect(await renderError("<< ['x'] | values >>")).toContain(
      "filter 'values': can only be applied to a map, not a list",
    );
  });
});

describe('join', () => {
  it('prints null as null and nested data as JSON; no separator by default', async () => {
    expect(await renderWith("<< [1, none, 'a', [2], {'k': 3}] | join >>")).toBe('1nulla[2]{"k":3}');
    expect(await renderWith("<< users | join(', ', 'name') >>", { users: [{ name: 'a' }, { name: 'b' }] })).toBe(
      'a, b',
    );
    expect(await renderError("<< 'abc' | join(',') >>")).toContain("filter 'join': expects a list, not a string");
  });
});
