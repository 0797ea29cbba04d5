/**
 * Kestra's `escapeChar` and `className` filters, its `uuid()`, `id()` and
 * `randomInt()` functions and the tests `empty`, `json`, `map`: the test
 * methods of kestra-io/kestra (commit 58c1ca2d0)
 * core/src/test/java/io/kestra/core/runners/pebble/filters/EscapeCharFilterTest.java,
 * functions/UUIDFunctionTest.java, IDFunctionTest.java, RandomIntFunctionTest.java
 * ported verbatim, and the examples of Kestra's documentation
 * (kestra-io/docs src/contents/docs/expressions/99.full-reference/index.md,
 * sections "escapeChar", "Test") for those without a Kestra test.
 */
import { describe, expect, it } from 'vitest';
import { friendlyId } from '../../src/stdlib/random.js';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

const REFERENCE = 'kestra-io/docs src/contents/docs/expressions/99.full-reference/index.md';

describe('EscapeCharFilterTest', () => {
  // EscapeCharFilterTest#provideValidTypes: type, input, expected
  const valid: [string, string, string][] = [
    ['single', '"L\'eau c\'est la vie"', "L\\'eau c\\'est la vie"],
    ['double', '\'"Hello"\'', '\\"Hello\\"'],
    ['shell', '"L\'eau c\'est la vie"', "L'\\''eau c'\\''est la vie"],
    ['single', "''", ''],
    ['double', "''", ''],
    ['shell', "''", ''],
  ];
  for (const [type, input, expected] of valid) {
    it(`EscapeCharFilterTest#validTypes(${type}, ${input})`, async () => {
      expect(await renderPebble(`{{ ${input} | escapeChar('${type}') }}`)).toBe(expected);
    });
  }
  for (const type of ['foo', '']) {
    it(`EscapeCharFilterTest#invalidTypes(${JSON.stringify(type)})`, async () => {
      expect(await pebbleError(`{{ 'Hello' | escapeChar('${type}') }}`)).toContain(
        "expects the value of 'type' to be either 'single', 'double', or 'shell'",
      );
    });
  }
  it(`${REFERENCE} (escapeChar)`, async () => {
    expect(await renderWith(`<< "Can't be here" | escapeChar('single') >>`)).toBe("Can\\'t be here");
  });
  it('escapes lists and maps item by item, their numbers becoming text; the type is not case-sensitive', async () => {
    expect(await renderPebble(`{{ {'a': "it's", 'b': [1, "'"]} | escapeChar('SHELL') }}`)).toBe(
      `{"a":"it'\\\\''s","b":["1","'\\\\''"]}`,
    );
    expect(await renderPebble("{{ none | escapeChar('single') is null }}")).toBe('true');
  });
});

describe('className', () => {
  it('names the Java class of the JSON-like equivalent (kestra-io/kestra JqFilterTest#typed, NumberFilterTest)', async () => {
    const vars = { value: { string: 'string', int: 1, float: 1.123, bool: true, null: null, long: 9007199254740991 } };
    expect(await renderPebble('{{ value.string | className }}', vars)).toBe('java.lang.String');
    expect(await renderPebble('{{ value.int | className }}', vars)).toBe('java.lang.Integer');
    expect(await renderPebble('{{ value.bool | className }}', vars)).toBe('java.lang.Boolean');
    expect(await renderPebble("{{ value['null'] | className }}", vars)).toBe('');
    expect(await renderPebble('{{ value.long | className }}', vars)).toBe('java.lang.Long');
    // Kestra: java.lang.Float for a Java float; a number parsed from JSON is a Double.
    expect(await renderPebble('{{ value.float | className }}', vars)).toBe('java.lang.Double');
    expect(await renderPebble("{{ [1] | className }}|{{ {'a': 1} | className }}")).toBe(
      'java.util.ArrayList|java.util.LinkedHashMap',
    );
  });
});

describe('UUIDFunctionTest', () => {
  it('UUIDFunctionTest#checkUuidIsNotEmpty', async () => {
    const rendered = await renderPebble('{{ uuid() }}');
    expect(rendered).not.toBe('');
    expect(rendered).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('IDFunctionTest', () => {
  it('IDFunctionTest#checkIdIsNotEmpty', async () => {
    const rendered = await renderPebble('{{ id() }}');
    expect(rendered).not.toBe('');
    expect(rendered).toMatch(/^[0-9A-Za-z]{1,22}$/);
    expect(await renderPebble('{{ id() == id() }}')).toBe('false');
  });
  it("writes the UUID's 128 bits in base 62 as FriendlyId 1.1.0 (Kestra's version) does", () => {
    expect(friendlyId('00000000-0000-0000-0000-000000000000')).toBe('0');
    expect(friendlyId('00000000-0000-0000-0000-00000000003e')).toBe('10');
    expect(friendlyId('00000000-0000-0001-0000-000000000000')).toBe('LygHa16AHYG'); // 2^64
    expect(friendlyId('ffffffff-ffff-ffff-ffff-ffffffffffff')).toHaveLength(22);
  });
});

describe('RandomIntFunctionTest', () => {
  const between = (rendered: string, min: number, max: number) => {
    const n = Number.parseInt(rendered, 10);
    expect(String(n)).toBe(rendered);
    expect(n >= min && n <= max).toBe(true);
  };
  it('RandomIntFunctionTest#missingParameter', async () => {
    expect(await pebbleError('{{randomInt(lower)}}', { lower: 10 })).toContain("expects an argument 'upper'");
    expect(await pebbleError('{{randomInt(upper)}}', { upper: 1 })).toContain("expects an argument 'upper'");
    expect(await pebbleError('{{randomInt()}}')).toContain("expects an argument 'lower'");
  });
  it('RandomIntFunctionTest#testGenerateNumberPositive', async () => {
    between(await renderPebble('{{ randomInt(lower, upper) }}', { lower: 1, upper: 10 }), 1, 10);
  });
  it('RandomIntFunctionTest#testGenerateNumberPositiveString', async () => {
    expect(await pebbleError('{{ randomInt(lower, upper) }}', { lower: '1', upper: '10' })).toContain(
      "expects an argument 'lower' with type Integer",
    );
  });
  it('RandomIntFunctionTest#testGenerateNumberUpperLessThanLower', async () => {
    expect(await pebbleError('{{ randomInt(lower, upper) }}', { lower: 10, upper: 1 })).toContain(
      "'upper' is less than 'lower'",
    );
  });
  it('RandomIntFunctionTest#testGenerateNumberNegative', async () => {
    between(await renderPebble('{{ randomInt(lower, upper) }}', { lower: -10, upper: -1 }), -10, -1);
  });
  it('RandomIntFunctionTest#testGenerateNumberSame', async () => {
    expect(await renderPebble('{{ randomInt(lower, upper) }}', { lower: 10, upper: 10 })).toBe('10');
  });
  it('never reaches upper (exclusive, as Math.floor(random * (upper - lower)) + lower)', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(await renderWith('<< randomInt(0, 2) >>'));
    expect([...seen].sort()).toEqual(['0', '1']);
  });
});

describe('tests empty, json, map', () => {
  const BODY = '\n\t...\n';
  it(`${REFERENCE} (Test: empty)`, async () => {
    expect(await renderPebble('{% if user.email is empty %}\n\t...\n{% endif %}', { user: { email: '' } })).toBe(BODY);
  });
  it(`${REFERENCE} (Test: json)`, async () => {
    expect(await renderPebble(`{% if '{"test": 1}' is json %}\n\t...\n{% endif %}`)).toBe(BODY);
  });
  it(`${REFERENCE} (Test: map)`, async () => {
    expect(await renderPebble('{% if {"apple":"red", "banana":"yellow"} is map %}\n\t...\n{% endif %}')).toBe(BODY);
  });
  it("empty is Pebble's EmptyTest: null, blank text, empty list or map", async () => {
    const ctx = { n: null, blank: ' \t', list: [], map: {}, zero: 0, no: false, text: 'x', items: [0] };
    expect(
      await renderWith(
        '<< n is empty >> << blank is empty >> << list is empty >> << map is empty >> << zero is empty >> << no is empty >> << text is empty >> << items is not empty >>',
        ctx,
      ),
    ).toBe('true true true true false false false true');
  });
  it("json is Kestra's JsonTest: valid JSON text (blank text too, as Jackson's readTree); not text is an error", async () => {
    expect(await renderWith("<< '[1, 2]' is json >> << 'nope' is json >> << '' is json >> << '\"a\"' is json >>")).toBe(
      'true false true true',
    );
    expect(await renderWith('<< taskrun.value is json >>', { taskrun: { value: '{"a": 1}' } })).toBe('true');
    expect(await pebbleError('{{ 1 is json }}')).toContain("test 'json': expects text, not a number");
  });
  it("map is Pebble's MapTest", async () => {
    expect(await renderWith("<< {'a': 1} is map >> << [1] is map >> << 'a' is map >> << none is map >>")).toBe(
      'true false false false',
    );
  });
});
