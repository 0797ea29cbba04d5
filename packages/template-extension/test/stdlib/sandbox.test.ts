import { describe, expect, it } from 'vitest';
import { renderError, renderWith, stdlibEnv } from './stdlib-env.js';

const filterNames = [
  'date',
  'dateAdd',
  'timestamp',
  'timestampMilli',
  'timestampMicro',
  'timestampNano',
  'toJson',
  'json',
  'fromJson',
  'abbreviate',
  'slugify',
  'substringBefore',
  'substringAfter',
  'substringBeforeLast',
  'substringAfterLast',
  'trim',
  'startsWith',
  'endsWith',
  'split',
  'default',
  'first',
  'last',
  'length',
  'keys',
  'values',
  'join',
  'base64encode',
  'base64decode',
  'urlencode',
  'urldecode',
  'sha256',
  'sha1',
  'sha512',
  'md5',
  'number',
  'replace',
];

describe('the standard library in the sandbox', () => {
  it('registers every filter and function', () => {
    const env = stdlibEnv();
    for (const name of filterNames) expect(typeof env.getFilter(name), name).toBe('function');
    for (const name of ['now', 'fromJson', 'json']) expect(typeof env.getGlobal(name), name).toBe('function');
  });

  it('returns plain data a template cannot dig through to JavaScript', async () => {
    expect(await renderError('<< (now() | dateAdd(1, "DAYS")).constructor >>')).toContain(
      "templates cannot read 'constructor'",
    );
    expect(await renderError("<< ('a,b' | split(','))['map'] >>")).toContain("'map' is not data of this array");
    expect(await renderError("<< fromJson('{}').toString >>")).toContain('toString');
    expect(await renderError('<< now.name >>')).toContain("'now' is a function");
  });

  it('keeps __proto__ keys of parsed JSON as data', async () => {
    expect(await renderWith('<< fromJson(t) | keys | toJson >>', { t: '{"__proto__": {"polluted": 1}}' })).toBe(
      '["__proto__"]',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
