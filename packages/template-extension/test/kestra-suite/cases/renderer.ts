/**
 * Kestra compatibility suite, groups `renderer` and `renderer-recursive`.
 *
 * Ported from kestra-io/kestra at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a),
 * core/src/test/java/io/kestra/core/runners/pebble/: PebbleVariableRendererTest,
 * RecursivePebbleVariableRendererTest.
 *
 * PebbleVariableRendererTest renders maps of templates (`render(Map, vars)`);
 * each template of such a map is a case, with the test's assertion on its
 * entry. Not ported (Java type system; counted in the suite's exclusions):
 * - #out, entry "date": `{{ date }}` is "2013-09-08T16:19+02:00", the
 *   `toString()` of the ZonedDateTime object the test passes; as JSON the
 *   value is the text "2013-09-08T16:19:00+02:00", which prints as itself.
 * - #map, entry "int": the Java Integer 1 (not a template) comes back as an Integer.
 * - #mapWithNestedNumberList: a map without templates comes back equal (a Java Map).
 * TypedObjectWriterTest (Java unit tests of Kestra's typed output writer,
 * no template) is not ported either.
 *
 * RecursivePebbleVariableRendererTest runs with Kestra's setting
 * `kestra.variables.recursive-rendering=true` (every variable holding a
 * template is rendered again, and `render()` does not exist). credflow has no
 * such setting: the runner renders these cases as usual, and they stay in the
 * suite (group `renderer-recursive`) as Kestra's behaviour under that setting.
 */
import { type KestraCase, src } from '../case.js';
import { BLOCK_VARS } from './fixtures.js';

const g = 'renderer';
const RENDERER = 'PebbleVariableRendererTest';
const RECURSIVE = 'RecursivePebbleVariableRendererTest';

const OUT_VARS = {
  string: 'string',
  int: 1,
  float: 1.123,
  list: ['string', 1, 1.123],
  bool: true,
  date: '2013-09-08T16:19:00+02:00',
  map: { string: 'string', int: 1, float: 1.123 },
};

const AUTO_JSON_VARS = {
  map: { a: '1', b: '2' },
  collection: ['1', '2', '3'],
  array: ['1', '2', '3'],
  inta: [1, 2, 3],
};

const RECURSIVE_VARS = {
  first: '1',
  second: '{{first}}',
  third: '{{second}}',
  fourth: '{{render(third, recursive=false)}}',
  map: { third: '{{third}}' },
  list: ['{{third}}'],
  // ImmutableSet.of("{{third}}")
  set: ['{{third}}'],
};

const RECURSIVE_SETTING_VARS = {
  first: '1',
  second: '{{first}}',
  third: '{{second}}',
  map: { third: '{{third}}' },
  list: ['{{third}}'],
  set: ['{{third}}'],
};

const RECURSIVE_SETTING = 'kestra.variables.recursive-rendering=true';

export const renderer: KestraCase[] = [
  // PebbleVariableRendererTest#out (entry "date" not ported: see the header)
  { group: g, source: src(RENDERER, 'out'), template: '{{ string }}', vars: OUT_VARS, expected: 'string' },
  { group: g, source: src(RENDERER, 'out'), template: '{{ int }}', vars: OUT_VARS, expected: '1' },
  { group: g, source: src(RENDERER, 'out'), template: '{{ float }}', vars: OUT_VARS, expected: '1.123' },
  { group: g, source: src(RENDERER, 'out'), template: '{{ list }}', vars: OUT_VARS, expected: '["string",1,1.123]' },
  { group: g, source: src(RENDERER, 'out'), template: '{{ bool }}', vars: OUT_VARS, expected: 'true' },
  {
    group: g,
    source: src(RENDERER, 'out'),
    template: '{{ map }}',
    vars: OUT_VARS,
    expected: [
      { contains: '"int":1' },
      { contains: '"int":1' },
      { contains: '"float":1.123' },
      { contains: '"string":"string"' },
      { startsWith: '{' },
      { endsWith: '}' },
    ],
  },
  {
    group: g,
    source: src(RENDERER, 'out'),
    template: '{{ list }} // {{ map }}',
    vars: OUT_VARS,
    expected: { contains: '["string",1,1.123] // {' },
  },
  {
    group: g,
    source: src(RENDERER, 'out'),
    template: '{{ list[3] is defined ? bla : null }}',
    vars: OUT_VARS,
    expected: '',
  },
  {
    group: g,
    source: src(RENDERER, 'out'),
    template: '{{ "apple" ~ "pear" ~ "banana" }}',
    vars: OUT_VARS,
    expected: 'applepearbanana',
  },

  // PebbleVariableRendererTest#autoJson
  {
    group: g,
    source: src(RENDERER, 'autoJson'),
    template: '{{ map }}',
    vars: AUTO_JSON_VARS,
    expected: [{ contains: '"a":"1"' }, { contains: '"b":"2"' }],
  },
  {
    group: g,
    source: src(RENDERER, 'autoJson'),
    template: '{{ collection }}',
    vars: AUTO_JSON_VARS,
    expected: '["1","2","3"]',
  },
  {
    group: g,
    source: src(RENDERER, 'autoJson'),
    template: '{{ array }}',
    vars: AUTO_JSON_VARS,
    expected: '["1","2","3"]',
    note: 'a Java String[]',
  },
  { group: g, source: src(RENDERER, 'autoJson'), template: '{{ inta }}', vars: AUTO_JSON_VARS, expected: '[1,2,3]' },

  // PebbleVariableRendererTest#exception
  {
    group: g,
    source: src(RENDERER, 'exception'),
    template: '{{ missing is defined ? missing : missing2 }}',
    expectedError: true,
  },

  // PebbleVariableRendererTest#macro
  {
    group: g,
    source: src(RENDERER, 'macro'),
    template: '{% block "post" %} content {% endblock %}{{ block("post") }}',
    expected: { contains: 'content' },
  },

  // PebbleVariableRendererTest#numberFormat
  {
    group: g,
    source: src(RENDERER, 'numberFormat'),
    template: '{{ var | numberFormat("#.##") }}',
    vars: { var: 1.232654 },
    expected: { contains: '1.23' },
    note: 'Java 1.232654F',
  },

  // PebbleVariableRendererTest#map: entries "string" and "list" (containsInAnyOrder("top", "awesome"))
  {
    group: g,
    source: src(RENDERER, 'map'),
    template: '{{test}}',
    vars: { test: 'top', test2: 'awesome' },
    expected: 'top',
  },
  {
    group: g,
    source: src(RENDERER, 'map'),
    template: '{{test}}',
    vars: { test: 'top', test2: 'awesome' },
    expected: 'top',
    note: 'first item of the "list" entry',
  },
  {
    group: g,
    source: src(RENDERER, 'map'),
    template: '{{test2}}',
    vars: { test: 'top', test2: 'awesome' },
    expected: 'awesome',
    note: 'second item of the "list" entry',
  },

  // PebbleVariableRendererTest#recursive
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ third }}',
    vars: RECURSIVE_VARS,
    expected: '{{second}}',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(third, recursive=false) }}',
    vars: RECURSIVE_VARS,
    expected: '{{first}}',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(third) }}',
    vars: RECURSIVE_VARS,
    expected: '1',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(fourth) }}',
    vars: RECURSIVE_VARS,
    expected: '1',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ map }}',
    vars: RECURSIVE_VARS,
    expected: '{"third":"{{third}}"}',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(map, recursive=false) }}',
    vars: RECURSIVE_VARS,
    expected: '{"third":"{{second}}"}',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(map) }}',
    vars: RECURSIVE_VARS,
    expected: '{"third":"1"}',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ list }}',
    vars: RECURSIVE_VARS,
    expected: '["{{third}}"]',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(list, recursive=false) }}',
    vars: RECURSIVE_VARS,
    expected: '["{{second}}"]',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(list) }}',
    vars: RECURSIVE_VARS,
    expected: '["1"]',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ set }}',
    vars: RECURSIVE_VARS,
    expected: '["{{third}}"]',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(set, recursive=false) }}',
    vars: RECURSIVE_VARS,
    expected: '["{{second}}"]',
  },
  {
    group: g,
    source: src(RENDERER, 'recursive'),
    template: '{{ render(set) }}',
    vars: RECURSIVE_VARS,
    expected: '["1"]',
  },

  // PebbleVariableRendererTest#recursiveRenderingAmountLimit
  {
    group: g,
    source: src(RENDERER, 'recursiveRenderingAmountLimit'),
    template: '{{ render(first) }}',
    vars: { first: '{{second}}', second: '{{first}}' },
    expectedError: true,
    errorContains: 'Too many rendering attempts',
  },

  // PebbleVariableRendererTest#raw
  {
    group: g,
    source: src(RENDERER, 'raw'),
    template: 'See some code {% raw %}{{ var }}{% endraw %}',
    vars: { var: '1' },
    expected: 'See some code {{ var }}',
  },
  {
    group: g,
    source: src(RENDERER, 'raw'),
    template: 'See some code {%raw%}{{ var }}{%endraw%}',
    vars: { var: '1' },
    expected: 'See some code {{ var }}',
  },
  {
    group: g,
    source: src(RENDERER, 'raw'),
    template: 'See some code {%-  raw%}{{ var }}{%endraw -%}',
    vars: { var: '1' },
    expected: 'See some code {{ var }}',
  },
  {
    group: g,
    source: src(RENDERER, 'raw'),
    template: 'See some code {% raw %}{{ var }}{% endraw %} and some other code {% raw %}{{ var2 }}{% endraw %}',
    vars: { var: '1' },
    expected: 'See some code {{ var }} and some other code {{ var2 }}',
  },

  // PebbleVariableRendererTest#eval
  {
    group: g,
    source: src(RENDERER, 'eval'),
    template: '{{ block[inner].child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },

  // PebbleVariableRendererTest#firstDefined
  {
    group: g,
    source: src(RENDERER, 'firstDefined'),
    template: '{{ inner.bla is not defined ? block.test.child : null }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefined'),
    template: '{{ block.test.child is defined ? block.test.child : inner.bla }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefined'),
    template: '{{ missing is defined ? missing : missing2 }}',
    vars: BLOCK_VARS,
    expectedError: true,
  },

  // PebbleVariableRendererTest#firstDefinedEval
  {
    group: g,
    source: src(RENDERER, 'firstDefinedEval'),
    template: '{{ block.test.child is defined ? block.test.child : null }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefinedEval'),
    template: '{{ block[inner].child is defined ? block[inner].child : null }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefinedEval'),
    template: '{{ block[missing].child is defined ? null : block[inner].child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefinedEval'),
    template:
      '{{ block[missing].child is not defined ? (block[missing2].child is not defined ? block[inner].child : null) : null }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefinedEval'),
    template: '{{ missing is defined ? null : block.test.child }}',
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'firstDefinedEval'),
    template: '{{ missing is defined ? missing : missing2 }}',
    vars: BLOCK_VARS,
    expectedError: true,
  },

  // PebbleVariableRendererTest#get
  {
    group: g,
    source: src(RENDERER, 'get'),
    template: "{{ block['test'] }}",
    vars: BLOCK_VARS,
    expected: '{"child":"awesome"}',
  },
  {
    group: g,
    source: src(RENDERER, 'get'),
    template: "{{ block['test']['child'] }}",
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  {
    group: g,
    source: src(RENDERER, 'get'),
    template: "{{ block[inner]['child'] }}",
    vars: BLOCK_VARS,
    expected: 'awesome',
  },
  { group: g, source: src(RENDERER, 'get'), template: '{{ get missing }}', vars: BLOCK_VARS, expectedError: true },

  // RecursivePebbleVariableRendererTest (Kestra setting recursive-rendering=true)
  {
    group: 'renderer-recursive',
    source: src(RECURSIVE, 'recursive'),
    template: '{{ third }}',
    vars: RECURSIVE_SETTING_VARS,
    expected: '1',
    kestraSetting: RECURSIVE_SETTING,
  },
  {
    group: 'renderer-recursive',
    source: src(RECURSIVE, 'recursive'),
    template: '{{ map }}',
    vars: RECURSIVE_SETTING_VARS,
    expected: '{"third":"1"}',
    kestraSetting: RECURSIVE_SETTING,
  },
  {
    group: 'renderer-recursive',
    source: src(RECURSIVE, 'recursive'),
    template: '{{ list }}',
    vars: RECURSIVE_SETTING_VARS,
    expected: '["1"]',
    kestraSetting: RECURSIVE_SETTING,
  },
  {
    group: 'renderer-recursive',
    source: src(RECURSIVE, 'recursive'),
    template: '{{ set }}',
    vars: RECURSIVE_SETTING_VARS,
    expected: '["1"]',
    kestraSetting: RECURSIVE_SETTING,
  },
  {
    group: 'renderer-recursive',
    source: src(RECURSIVE, 'renderFunctionNotInjectedIfRecursiveSettingsTrue'),
    template: '{{ render(first) }}',
    vars: { first: '1' },
    expectedError: true,
    errorContains: 'Function or Macro [render] does not exist',
    kestraSetting: RECURSIVE_SETTING,
  },
  {
    group: 'renderer-recursive',
    source: src(RECURSIVE, 'renderFunctionKeepRaw'),
    template: '{% raw %}{{first}}{% endraw %}',
    expected: '{{first}}',
    kestraSetting: RECURSIVE_SETTING,
  },
];
