/**
 * Kestra's `jq` filter: the test methods of kestra-io/kestra (commit
 * 58c1ca2d0) core/src/test/java/io/kestra/core/runners/pebble/filters/JqFilterTest.java,
 * ported verbatim. Java values become their JSON equivalents: a
 * `ZonedDateTime` is the ISO text Jackson writes for it (the host's zone is
 * UTC, so `2013-09-08T16:19:00+02` with `withZoneSameLocal` is
 * `2013-09-08T16:19:00Z`), a `Float` 1.123F is the number 1.123, a
 * `String[]` a list.
 */

import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, registerStandardLibrary, render } from '../../src/index.js';
import { regexFunctionIn } from '../../src/stdlib/jq.js';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

const DATE = '2013-09-08T16:19:00Z'; // date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) in UTC

describe('JqFilterTest', () => {
  it('JqFilterTest#fromString', async () => {
    expect(await renderPebble('{{ [1, 2, 3] | jq(".[0]") | first }}')).toBe('1');
    expect(await renderPebble('{{ my_vars | jq(".test[0]") }}', { my_vars: { test: [1, 2, 3] } })).toBe('[1]');
  });

  it('JqFilterTest#simple', async () => {
    const vars = { first: { second: { third: '{{third}}' } }, end: 'awesome', third: '{{end}}' };
    expect(await renderPebble('{{  render(first) | jq(".second.third") }}', vars)).toBe('["awesome"]');
  });

  it('JqFilterTest#map', async () => {
    const vars = {
      vars: {
        second: {
          string: 'string',
          int: 1,
          float: 1.123,
          list: ['string', 1, 1.123],
          bool: true,
          date: DATE,
          map: { string: 'string', int: 1, float: 1.123 },
        },
      },
    };
    expect(await renderPebble('{{ vars | jq(".second.string") }}', vars)).toBe('["string"]');
    expect(await renderPebble('{{ vars | jq(".second.string") | first }}', vars)).toBe('string');
    expect(await renderPebble('{{ vars | jq(".second.int") | first }}', vars)).toBe('1');
    expect(await renderPebble('{{ vars | jq(".second.float") | first }}', vars)).toBe('1.123');
    expect(await renderPebble('{{ vars | jq(".second.list") | first }}', vars)).toBe('["string",1,1.123]');
    expect(await renderPebble('{{ vars | jq(".second.bool") | first }}', vars)).toBe('true');
    expect(await renderPebble('{{ vars | jq(".second.date") | first }}', vars)).toBe(DATE);
    const render = await renderPebble('{{ vars | jq(".second.map") | first }}', vars);
    expect(render).toContain('"int":1');
    expect(render).toContain('"float":1.123');
    expect(render).toContain('"string":"string"');
    expect(render.startsWith('{')).toBe(true);
    expect(render.endsWith('}')).toBe(true);
  });

  it('JqFilterTest#list', async () => {
    const vars = { vars: { second: [1, 2, 3] } };
    expect(await renderPebble('{{ vars | jq(".second[]") }}', vars)).toBe('[1,2,3]');
  });

  it('JqFilterTest#typed', async () => {
    const vars = { vars: { string: 'string', int: 1, float: 1.123, bool: true, null: null } };
    expect(await renderPebble('{{ vars | jq(".string") | first | className }}', vars)).toBe('java.lang.String');
    expect(await renderPebble('{{ vars | jq(".int") | first | className }}', vars)).toBe('java.lang.Integer');
    // Kestra: java.lang.Float (its input was a Java float); the JSON number 1.123 is a Double (see className).
    expect(await renderPebble('{{ vars | jq(".float") | first | className }}', vars)).toBe('java.lang.Double');
    expect(await renderPebble('{{ vars | jq(".bool") | first | className }}', vars)).toBe('java.lang.Boolean');
    expect(await renderPebble('{{ vars | jq(".null") | first | className }}', vars)).toBe('');
  });

  it('JqFilterTest#object', async () => {
    const vars = { vars: { object: { key: 'value' }, array: ['arrayValue'] } };
    expect(await renderPebble('{% set object = vars | jq(".object") %}{{object[0].key}}', vars)).toBe('value');
    expect(await renderPebble('{% set array = vars | jq(".array") %}{{array[0][0]}}', vars)).toBe('arrayValue');
  });
});

describe('jq in credflow', () => {
  const vars = {
    data: {
      items: [
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ],
      text: '{"k": [10, 20]}',
    },
  };

  it('works in outputs, if, for and set, in both syntaxes, and on JSON text', async () => {
    expect(await renderWith('<< data | jq(".items[].name") >>', vars)).toBe('["a","b"]');
    expect(await renderWith('<% if (data | jq(".items | length") | first) == 2 %>two<% endif %>', vars)).toBe('two');
    expect(
      await renderWith('<% for i in data | jq(".items[] | select(.n > 1)") %><< i.name >><% endfor %>', vars),
    ).toBe('b');
    expect(await renderWith('<% set ks = data.text | jq(".k[]") %><< ks | join("+") >>', vars)).toBe('10+20');
    expect(await renderWith('<< data | jq(expression=".items | map(.n) | add") | first >>', vars)).toBe('3');
    expect(await renderWith('<< data | jq("empty") >>|<< none | jq(".") is null >>', vars)).toBe('[]|true');
  });

  it("reports jq's compile and run errors without quoting the data", async () => {
    expect(await pebbleError('{{ data | jq(".a |||") }}', vars)).toContain(
      "filter 'jq': the expression is not valid jq: syntax error, unexpected '|' at <top-level>, line 1",
    );
    const failed = await pebbleError('{{ data | jq(".items[0].name + 1") }}', vars);
    expect(failed).toContain("filter 'jq': the jq program failed: string and number cannot be added");
    expect(failed).not.toContain('"a"');
    expect(await pebbleError('{{ "not json" | jq(".") }}')).toContain(
      "filter 'jq': the text it is applied to is not valid JSON",
    );
    expect(await pebbleError('{{ data | jq }}', vars)).toContain("filter 'jq': expects an argument 'expression'");
  });

  it("refuses jq's regular-expression functions (a backtracking engine), not fields, keys or text of those names", async () => {
    expect(await pebbleError('{{ data | jq(".items[] | select(.name | test(\\"a\\"))") }}', vars)).toContain(
      "jq's regular-expression functions (here 'test') are not available",
    );
    expect(regexFunctionIn('.test, $test, {test: 1}, "test(1)", split(",") # gsub(x)')).toBeUndefined();
    expect(regexFunctionIn('split(", *"; null)')).toBe('split/2');
    expect(regexFunctionIn('"\\(.a | sub("x"; "y"))"')).toBe('sub');
    expect(regexFunctionIn('[.[] | capture("(?<a>.)")]')).toBe('capture');
  });

  it('runs concurrent renders one program at a time, each getting its own result', async () => {
    const outs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => renderWith('<< data | jq(".n * 2") | first >>', { data: { n: i } })),
    );
    expect(outs).toEqual(Array.from({ length: 20 }, (_, i) => String(i * 2)));
  });

  it("stops a program at the render's time limit, and the next one still runs", async () => {
    const store = CredentialStore.fromYaml('credentials: {}\n');
    const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
      store,
      limits: { timeoutMs: 300 },
    });
    registerStandardLibrary(env);
    const started = Date.now();
    await expect(render(env, '<< 1 | jq("last(repeat(1))") >>')).rejects.toThrow(/timeout|ran longer/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await render(env, '<< [5] | jq(".[0] + 1") >>')).output).toBe('[6]');
  });
});
