import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate, registerCredentials, registerStandardLibrary, render } from '../../src/index.js';

/**
 * Kestra's expression semantics where nunjucks differs, in both delimiter
 * styles (SPEC section 4: "the two syntaxes differ only in delimiters").
 * Expected outputs from Kestra's Pebble tests (kestra-io/kestra 58c1ca2d0,
 * core/src/test/java/io/kestra/core/runners/pebble/...) and Pebble's
 * documented behaviour; the full port is test/kestra-suite.
 */
function env(pebble: boolean) {
  const store = CredentialStore.fromYaml('credentials: {}\n');
  const e = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
    store,
    ...(pebble ? { delimiters: false as const } : {}),
  });
  registerStandardLibrary(e);
  return e;
}
const credflow = env(false);
const pebble = env(true);
const toPebble = (src: string) =>
  src.replaceAll('<<', '{{').replaceAll('>>', '}}').replaceAll('<%', '{%').replaceAll('%>', '%}');

async function both(src: string, ctx: Record<string, unknown> = {}): Promise<string> {
  const a = (await render(credflow, src, ctx)).output;
  const b = (await render(pebble, toPebble(src), ctx)).output;
  expect(b).toBe(a);
  return a;
}

describe("Kestra's semantics in both syntaxes", () => {
  it.each([
    // JsonWriter: lists and maps print as JSON (PebbleVariableRendererTest, KeysFilterTest#map).
    ["<< [1, 'a', 1.5] >>", '[1,"a",1.5]'],
    ["<< {'a': 1, 'b': [true, null]} >>", '{"a":1,"b":[true,null]}'],
    ["<< {'a': 1, 'b': 2} | keys >>", '["a","b"]'],
    ["<< 'a,b' | split(',') >>", '["a","b"]'],
    // The ternary and `contains` (Pebble operators).
    ["<< true ? 'yes' : 'no' >>", 'yes'],
    ["<< missing is defined ? 'd' : 'u' >>", 'u'],
    ["<< 1 > 2 ? 'a' : (2 > 1 ? 'b' : 'c') >>", 'b'],
    ['<< [1, 2, 3] contains 2 >>', 'true'],
    ['<< [1, 2, 3] contains [1, 3] >>', 'true'],
    ["<< 'abc' contains 'd' >>", 'false'],
    ["<< {'k': 1} contains 'k' >>", 'true'],
    ["<< 'a' equals 'a' >>", 'true'],
    ['<% if 1 equals 2 %>same<% else %>different<% endif %>', 'different'],
    // `??` and `???` (NullCoalescingExpressionTest, UndefinedCoalescingExpressionTest).
    ["<< null ?? 'n' >>", 'n'],
    ["<< missing ??? 'u' >>", 'u'],
    ["<< n ??? 'u' >>", ''],
    // Pebble's loop variables count from 0; range includes its end.
    [
      '<% for i in [5, 6, 7] %><< loop.index >>/<< loop.revindex >>/<< loop.first >>/<< loop.last >>/<< loop.length >> <% endfor %>',
      '0/2/true/false/3 1/1/false/false/3 2/0/false/true/3 ',
    ],
    ['<< range(1, 3) >>', '[1,2,3]'],
    ['<< range(5, 1, -2) >>', '[5,3,1]'],
    ['<< range(3) >>', '[0,1,2]'],
    // Iterating a map gives entries.
    ["<% for e in {'a': 1, 'b': 2} %><< e.key >>=<< e.value >>;<% endfor %>", 'a=1;b=2;'],
    ["<% for k, v in {'a': 1, 'b': 2} %><< k >>=<< v >>;<% endfor %>", 'a=1;b=2;'],
    // String literals keep backslashes (LexerImpl.unquoteAndUnescape); ReplaceFilterTest#regexp.
    ["<< 'a\\d' >>", 'a\\d'],
    ["<< 'aa1bb2cc3dd4ee5' | replace({'(\\d)': '-$1-'}, regexp=true) >>", 'aa-1-bb-2-cc-3-dd-4-ee-5-'],
    ["<< 'it\\'s' >>", "it's"],
    ["<< 'a\\\\b' >>", 'a\\b'],
    // A filter block with a chain of filters (Pebble's filter tag).
    ["<% filter upper | replace({'L': '_'}) %>hello<% endfilter %>", 'HE__O'],
    ['<% filter lower %>HeLLo<% endfilter %>', 'hello'],
    // A map literal closed right before the tag's end (Pebble's lexer closes the open brace first).
    ["<< {'a': {'b': 2}}>>", '{"a":{"b":2}}'],
  ])('%s → %s', async (src, expected) => {
    expect(await both(src, { n: null })).toBe(expected);
  });

  it('functions are apart from variables: yaml(yaml) calls the function (YamlFunctionTest)', async () => {
    expect((await render(pebble, '{{ yaml(yaml).a }}', { yaml: 'a: 1' })).output).toBe('1');
    expect((await render(credflow, '<< fromJson(fromJson).k >>', { fromJson: '{"k": "v"}' })).output).toBe('v');
  });

  it('an asynchronous filter (jq) inside a macro is refused where it would render empty', async () => {
    const err = await render(pebble, "{% macro m() %}{{ {'a': 1} | jq('.a') }}{% endmacro %}{{ m() }}", {}).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toContain("the 'jq' filter cannot be used inside a macro");
  });

  it('a map literal may end right before }} in the Pebble syntax', async () => {
    expect((await render(pebble, "{{ {'a': 1}}}", {})).output).toBe('{"a":1}');
    expect((await render(pebble, "{{ 'x' }}}", {})).output).toBe('x}');
  });

  it('a ternary without its colon is a syntax error naming it', () => {
    expect(analyzeTemplate(credflow, "<< true ? 'a' >>").error?.message).toContain("expected ':' in the ternary");
  });

  it('a branch not taken of a ternary or ?? with credential() is never called', async () => {
    // credential('nope') would fail (no such credential): the branch must not run.
    expect(await both("<< false ? credential('nope') : 'x' >>")).toBe('x');
    expect(await both("<< 'v' ?? credential('nope') >>")).toBe('v');
  });

  it("other nunjucks environments of the process keep nunjucks' string rules", () => {
    const plain = new nunjucks.Environment(null, { autoescape: false });
    expect(plain.renderString("{{ 'a\\nb' }}", {})).toBe('a\nb');
  });
});
