/**
 * Kestra's `yaml` filter and `yaml()` function: the test methods of
 * kestra-io/kestra (commit 58c1ca2d0)
 * core/src/test/java/io/kestra/core/runners/pebble/filters/YamlFilterTest.java and
 * functions/YamlFunctionTest.java ported verbatim (a `ZonedDateTime` is the
 * ISO text Jackson writes for it in UTC, a `Float` 1.123F the number 1.123),
 * and the filter's output compared with Kestra's own YAML writer:
 * fixtures/jackson-yaml.json holds JSON inputs and what Jackson 2.17.2
 * (SnakeYAML 2.2) wrote for them with YamlFilter's configuration
 * (MINIMIZE_QUOTES, no WRITE_DOC_START_MARKER, no SPLIT_LINES, INDENT_ARRAYS).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../src/stdlib/yaml-writer.js';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

const DATE = '2013-09-08T16:19:00Z';

describe('YamlFilterTest', () => {
  it('YamlFilterTest#map', async () => {
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
    expect(await renderPebble('{{ vars.second.string | yaml }}', vars)).toBe('string\n');
    expect(await renderPebble('{{ vars.second.int | yaml }}', vars)).toBe('1\n');
    expect(await renderPebble('{{ vars.second.float | yaml }}', vars)).toBe('1.123\n');
    expect(await renderPebble('{{ vars.second.list | yaml }}', vars)).toBe(' - string\n - 1\n - 1.123\n');
    expect(await renderPebble('{{ vars.second.bool | yaml }}', vars)).toBe('true\n');
    expect(await renderPebble('{{ vars.second.date | yaml }}', vars)).toBe(`${DATE}\n`);
    const render = await renderPebble('{{ vars.second.map | yaml }}', vars);
    expect(render).toContain('int: 1\n');
    expect(render).toContain('float: 1.123\n');
    expect(render).toContain('string: string\n');
  });
});

describe("yaml filter against Jackson's YAML writer", () => {
  const cases = JSON.parse(readFileSync(new URL('./fixtures/jackson-yaml.json', import.meta.url), 'utf8')) as [
    string,
    string,
  ][];
  cases.forEach(([json, expected], i) => {
    it(`fixture ${i}: ${json.slice(0, 60)}`, () => {
      expect(toYaml(JSON.parse(json))).toBe(expected);
    });
  });

  it('gives null for null, and works in both syntaxes with nindent', async () => {
    expect(await renderPebble('{{ none | yaml }}')).toBe('null');
    expect(await renderWith("spec:<< {'a': [1, {'b': 'x: y'}]} | yaml | nindent(2) >>")).toBe(
      'spec:\n  a:\n   - 1\n   -\n    b: "x: y"\n  ',
    );
  });
});

describe('YamlFunctionTest', () => {
  const yaml = `# comment
string: string
int: 123
bool: true
float: 1.23
instant: "1918-02-24T00:00:00Z"
date: "1991-08-20"
time: "23:59:59"
duration: "PT5M6S"
'null':
object:
  key: "value"
  child:
    key: "value"
array:
  - string
reference: &ref
    key: reference
default: *ref
`;
  // YamlFunctionTest#fromString passes the text as a variable named `yaml`: the sandbox resolves `yaml(...)`
  // among variables first, so it is passed here under another name (see the report of this change).
  const ctx = { doc: yaml };

  it('YamlFunctionTest#fromString', async () => {
    expect(await renderPebble('{{ yaml(doc).string }}', ctx)).toBe('string');
    expect(await renderPebble('{{ yaml(doc).int }}', ctx)).toBe('123');
    expect(await renderPebble('{{ yaml(doc).bool }}', ctx)).toBe('true');
    expect(await renderPebble('{{ yaml(doc).float }}', ctx)).toBe('1.23');
    expect(await renderPebble('{{ yaml(doc).instant }}', ctx)).toBe('1918-02-24T00:00:00Z');
    expect(await renderPebble('{{ yaml(doc).date }}', ctx)).toBe('1991-08-20');
    expect(await renderPebble('{{ yaml(doc).time }}', ctx)).toBe('23:59:59');
    expect(await renderPebble('{{ yaml(doc).object.child.key }}', ctx)).toBe('value');
    expect(await renderPebble('{{ yaml(doc).array[0] }}', ctx)).toBe('string');
    // Kestra's test leaves these out (Jackson YAML reads no anchors); the yaml package does.
    expect(await renderPebble('{{ yaml(doc).default.key }}', ctx)).toBe('reference');
  });

  it('kestra-io/docs 04.functions/03.parsing (yaml)', async () => {
    expect(await renderPebble("{{ yaml('foo: [666, 1, 2]').foo[0] }}")).toBe('666');
  });

  it('refuses a missing argument, one that is not text, and invalid YAML without quoting it', async () => {
    expect(await pebbleError('{{ yaml() }}')).toContain("function 'yaml': expects an argument 'yaml'");
    expect(await pebbleError('{{ yaml(1) }}')).toContain("expects an argument 'yaml' with type string");
    const invalid = await renderWith('<< yaml("a: [1, secretvalue") >>').catch((e: Error) => e.message);
    expect(invalid).toContain("function 'yaml': invalid yaml");
    expect(invalid).not.toContain('secretvalue');
  });

  it('reads a __proto__ key as data, and caps aliases (billion laughs)', async () => {
    expect(await renderWith('<< yaml("__proto__: {a: 1}") | toJson >>')).toBe('{"__proto__":{"a":1}}');
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    }
    expect(
      await renderWith('<< yaml(doc) | length >>', { doc: laughs.join('\n') }).catch((e: Error) => e.message),
    ).toContain('invalid yaml');
  });
});
