/**
 * Kestra's `toIon` filter and `fromIon()` function: the test methods of
 * kestra-io/kestra (commit 58c1ca2d0)
 * core/src/test/java/io/kestra/core/runners/pebble/filters/ToIonFilterTest.java and
 * functions/FromIonFunctionTest.java, ported verbatim where a JSON-like
 * value has the same Ion text. Kestra's inputs are Java `Float`s (1.123F,
 * written widened as `1.1230000257492065e0`) and a `ZonedDateTime`
 * (written with an Ion annotation); JavaScript has doubles and text only, so
 * those expectations use what the same double and text give (`1.123e0`, a
 * string), as noted at each.
 */
import { describe, expect, it } from 'vitest';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

describe('ToIonFilterTest', () => {
  const vars = {
    vars: {
      second: {
        string: 'string',
        int: 1,
        float: 1.123,
        list: ['string', 1, 1.123],
        bool: true,
        date: '2013-09-08T16:19:00Z',
        map: { string: 'string', int: 1, float: 1.123 },
      },
    },
  };

  it('ToIonFilterTest#toIonFilter', async () => {
    expect(await renderPebble('{{ vars.second.string | toIon }}', vars)).toBe('"string"');
    expect(await renderPebble('{{ vars.second.int | toIon }}', vars)).toBe('1');
    // Kestra: 1.1230000257492065e0 (a Java float widened to double).
    expect(await renderPebble('{{ vars.second.float | toIon }}', vars)).toBe('1.123e0');
    expect(await renderPebble('{{ vars.second.list | toIon }}', vars)).toBe('["string",1,1.123e0]');
    expect(await renderPebble('{{ vars.second.bool | toIon }}', vars)).toBe('true');
    // Kestra: ZonedDateTime::"2013-09-08T16:19:00Z..." (a Java date object); here the date is text.
    expect(await renderPebble('{{ vars.second.date | toIon }}', vars)).toBe('"2013-09-08T16:19:00Z"');
    const render = await renderPebble('{{ vars.second.map | toIon }}', vars);
    expect(render).toContain('int:1');
    expect(render).toContain('float:1.123e0');
    expect(render).toContain('string:"string"');
    expect(render.startsWith('{')).toBe(true);
    expect(render.endsWith('}')).toBe(true);
    expect(await renderPebble('{{ {"empty_object":{}} | toIon }}')).toBe('{empty_object:{}}');
    expect(await renderPebble('{{ null | toIon }}')).toBe('null');
  });

  it('ToIonFilterTest#exception', async () => {
    await expect(renderPebble('{{ | toIon }}')).rejects.toThrow();
  });

  it('writes numbers as Java does, quotes symbols that are not identifiers, escapes text', async () => {
    expect(await renderWith('<< ns | toIon >>', { ns: [1e21, -0.5, 1e-7, 0.001] })).toBe(
      '[1.0e21,-0.5e0,1.0e-7,0.001e0]',
    );
    expect(await renderWith("<< {'a b': 1, 'null': 2, '$1': 3, 'k': 'q\"\\\\\n'} | toIon >>")).toBe(
      `{'a b':1,'null':2,'$1':3,k:"q\\"\\\\\\n"}`,
    );
  });
});

describe('FromIonFunctionTest', () => {
  it('FromIonFunctionTest#ionDecodeFunction', async () => {
    expect(
      await renderPebble(`{{ fromIon('{date:2024-04-21T23:00:00.000Z, title:"Main_Page",views:109787}').title }}`),
    ).toBe('Main_Page');
    expect(await renderPebble('{{ fromIon(null) }}')).toBe('');
  });

  it('FromIonFunctionTest#exception', async () => {
    expect(await pebbleError('{{ fromIon() }}')).toContain("function 'fromIon': expects an argument 'ion'");
    expect(await pebbleError("{{ fromIon('{not: ion') }}")).toContain("function 'fromIon': invalid ion");
  });

  it('reads Ion types as plain data, and round-trips toIon', async () => {
    const src =
      "<< fromIon('{d: 2024-04-21T23:00:00.000Z, n: 1.5, f: 2e0, s: sym, b: {{aGVsbG8=}}, l: [1, (a b)], big: 123456789012345678901234567890, \\'__proto__\\': 5}') | toJson >>";
    expect(await renderWith(src)).toBe(
      '{"d":"2024-04-21T23:00:00.000Z","n":1.5,"f":2,"s":"sym","b":"aGVsbG8=","l":[1,["a","b"]],"big":"123456789012345678901234567890","__proto__":5}',
    );
    expect(await renderWith("<< fromIon({'a': [1, 2.5, 'x']} | toIon) | toJson >>")).toBe('{"a":[1,2.5,"x"]}');
  });
});
