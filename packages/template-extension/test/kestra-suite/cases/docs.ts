/**
 * Kestra compatibility suite, group `docs`: the examples of Kestra's
 * expressions documentation that show their output (or whose output the page
 * states in words), in Pebble syntax exactly as the page writes them.
 *
 * Pages (kestra-io/docs, see docs-source.ts for paths and commits):
 * - full-reference: src/contents/docs/expressions/99.full-reference/index.md
 *   at fb55f8a2501521467b63bcf4fac826375ff66786
 * - null-values: src/contents/docs/15.how-to-guides/null-values/index.md
 *   at 0c1f810c3c6ac99e421f6b25e0b01e29503acfd7
 * Kestra's own test suite is ported from kestra-io/kestra at commit 58c1ca2d0
 * (the other files of this directory); the pages document a newer Kestra.
 *
 * How the pages' outputs are turned into assertions:
 * - A list or map the page writes informally (`['foo', 'baz']`,
 *   `[1, 2, 3]`) is compared with the JSON Kestra prints (`["foo","baz"]`),
 *   as Kestra's tests assert (PebbleVariableRendererTest#out). Such cases
 *   say so in `note`.
 * - Where the page shows a value the filter cannot produce, the case asserts
 *   what Kestra produces and `note` quotes the page: `abbreviate(10)` (the
 *   page shows "LEMONS TO ..."; Pebble keeps length - 3 characters, as the
 *   same page's `abbreviate(7)` → "this..." shows) and `jq('.')` (the page
 *   shows `[1, 2, 3]`; `jq` returns the list of results, JqFilterTest).
 * - Block examples (`{% if %}`, `{% for %}`, `{% filter %}`, macros) keep the
 *   page's line breaks and indentation; Kestra renders with Pebble's
 *   `newLineTrimming(false)` (VariableRenderer), so the output keeps them
 *   too. Where the page shows the output without that whitespace, the case
 *   uses `trimmedIs`, or the exact output when it only passes text through.
 * - Examples whose context the page does not give and whose point is a
 *   stated semantics (loop variables, `is empty`, ...) get a small context,
 *   said in `note`.
 * - Outputs that depend on the clock (`now()`) are asserted by shape.
 *
 * Not ported from these pages: examples without an output (e.g.
 * `{{ foo ? "yes" : "no" }}`, `{{ 2 + 2 / (10 % 3) * (8 - 1) }}`), examples
 * that need storage, secrets, KV, executions or triggers (`read`, `fileURI`,
 * `secret`, `errorLogs`, `currentEachOutput`, `tasksWithState`, `http`,
 * `isIn` in `runIf`, `appLink`, `printContext`, `randomPort`, `fileSize`,
 * `fileExists`, `fileEmpty`), template inheritance (`parent()` with
 * `{% extends %}`), `{{ user.birthday | date("yyyy-MM-dd") }}` (a
 * java.util.Date the page does not give), `{{ "key: value" | indent(2) }}`
 * (the page shows the first line indented, which Kestra's indent never does:
 * IndentFilterTest#indentString), and duplicates of an example already
 * ported from the same page.
 */
import type { KestraCase } from '../case.js';
import { doc } from './docs-source.js';

const g = 'docs';
const ref = (section: string) => doc('full-reference', section);
const nulls = (section: string) => doc('null-values', section);

/** ISO date-time as Kestra prints a ZonedDateTime (microseconds, offset or Z). */
const ISO_MICROS = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}(Z|[+-]\\d{2}:\\d{2})';

const PAYLOAD = {
  inputs: {
    payload: {
      name: 'John Doe',
      score: { English: 72, Maths: 88, French: 95, Spanish: 85, Science: 91 },
      address: { city: 'Paris', country: 'France' },
      graduation_years: [2020, 2021, 2022, 2023],
    },
  },
};

const JQ_OUTPUTS = {
  outputs: { task1: { value: 1, text: 'awesome1' }, task2: { value: 2, text: 'awesome2' } },
};

const NULL_INPUTS = { inputs: { optional_input: null } };

export const docs: KestraCase[] = [
  // Filters (chaining)
  {
    group: g,
    source: ref('Filters'),
    template: '{{ "Lemons to lemonade." | upper | abbreviate(10) }}',
    expected: 'LEMONS ...',
    note: 'the page shows "LEMONS TO ..."; abbreviate keeps length - 3 characters then "..." (Pebble AbbreviateFilter)',
  },
  // Macros
  {
    group: g,
    source: ref('Macros'),
    template:
      '{% macro input(type, name) %}\n  {{ name }} is of type {{ type }}\n{% endmacro %}\n{{ input("text", "example") }}',
    expected: { trimmedIs: 'example is of type text' },
    note: "the page's definition and usage snippets, joined by a line break",
  },
  // Named Arguments
  {
    group: g,
    source: ref('Named Arguments'),
    template:
      '{% macro input(type="text", name, value="") %}\n  type: "{{ type }}", name: "{{ name }}", value: "{{ value }}"\n{% endmacro %}\n\n{{ input(name="country") }}',
    expected: { trimmedIs: 'type: "text", name: "country", value: ""' },
  },
  // Comments
  {
    group: g,
    source: ref('Comments'),
    template: '{# This is a comment #}\n{{ "Visible content" }}',
    expected: '\nVisible content',
    note: 'the page: comments do not appear in output',
  },
  // Null-Coalescing Operator / null-coalescing
  {
    group: g,
    source: ref('null-coalescing'),
    template: '{% set baz = "baz" %}\n{{ foo ?? bar ?? baz }}',
    expected: '\nbaz',
    note: "the page: results in 'baz'",
  },
  {
    group: g,
    source: ref('Null-Coalescing Operator'),
    template: '{{ foo ?? bar ?? raise }}',
    expectedError: true,
    note: 'the page: raises an exception if no variable is defined',
  },

  // toJson
  {
    group: g,
    source: ref('toJson'),
    template: '{{ [1, 2, 3] | toJson }}',
    expected: '[1,2,3]',
    note: "the page shows '[1, 2, 3]'",
  },
  { group: g, source: ref('toJson'), template: '{{ true | toJson }}', expected: 'true' },
  { group: g, source: ref('toJson'), template: '{{ "foo" | toJson }}', expected: '"foo"' },
  // jq
  {
    group: g,
    source: ref('jq'),
    template: "{{ [1, 2, 3] | jq('.') }}",
    expected: '[[1,2,3]]',
    note: "the page shows '[1, 2, 3]'; jq returns the list of its results (JqFilter, JqFilterTest#list)",
  },
  { group: g, source: ref('jq'), template: "{{ [1, 2, 3] | jq('.[0]') | first }}", expected: '1' },
  {
    group: g,
    source: ref('jq'),
    template: "{{ outputs | jq('.task1.value') | first }}",
    vars: JQ_OUTPUTS,
    expected: '1',
  },
  // Manipulating JSON Payloads: the flow's messages and the log the page shows
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: 'Student name: {{ inputs.payload.name }}',
    vars: PAYLOAD,
    expected: 'Student name: John Doe',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template:
      'Score in languages: {{ inputs.payload.score.English + inputs.payload.score.French + inputs.payload.score.Spanish }}',
    vars: PAYLOAD,
    expected: 'Score in languages: 252',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: 'Total subjects: {{ inputs.payload.score | length }}',
    vars: PAYLOAD,
    expected: 'Total subjects: 5',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: "Total score: {{ inputs.payload.score | values | jq('reduce .[] as $num (0; .+$num)') | first }}",
    vars: PAYLOAD,
    expected: 'Total score: 431',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: 'Complete address: {{ inputs.payload.address.city }}, {{ inputs.payload.address.country | upper }}',
    vars: PAYLOAD,
    expected: 'Complete address: Paris, FRANCE',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: 'Total years for graduation: {{ inputs.payload.graduation_years | length }}',
    vars: PAYLOAD,
    expected: 'Total years for graduation: 4',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: 'Started college in: {{ inputs.payload.graduation_years | first }}',
    vars: PAYLOAD,
    expected: 'Started college in: 2020',
  },
  {
    group: g,
    source: ref('Manipulating JSON Payloads'),
    template: 'Completed college in: {{ inputs.payload.graduation_years | last }}',
    vars: PAYLOAD,
    expected: 'Completed college in: 2023',
  },

  // Numeric filters
  { group: g, source: ref('abs'), template: '{{ -7 | abs }}', expected: '7' },
  { group: g, source: ref('number'), template: '{{ "12.3" | number | className }}', expected: 'java.lang.Float' },
  {
    group: g,
    source: ref('number'),
    template: '{{ "9223372036854775807" | number(\'BIGDECIMAL\') | className }}',
    expected: 'java.math.BigDecimal',
  },
  { group: g, source: ref('numberFormat'), template: '{{ 3.141592653 | numberFormat("#.##") }}', expected: '3.14' },

  // Object filters
  {
    group: g,
    source: ref('chunk'),
    template: '{{ [1, 2, 3, 4, 5] | chunk(2) }}',
    expected: '[[1,2],[3,4],[5]]',
    note: 'the page shows [[1, 2], [3, 4], [5]]',
  },
  {
    group: g,
    source: ref('distinct'),
    template: "{{ ['1', '1', '2', '3'] | distinct }}",
    expected: '["1","2","3"]',
    note: 'the page writes the expression inside YAML double quotes',
  },
  { group: g, source: ref('first'), template: "{{ ['apple', 'banana'] | first }}", expected: 'apple' },
  { group: g, source: ref('first'), template: "{{ 'Mitch' | first }}", expected: 'M' },
  { group: g, source: ref('join'), template: "{{ ['apple', 'banana'] | join(', ') }}", expected: 'apple, banana' },
  {
    group: g,
    source: ref('keys'),
    template: "{{ {'foo': 'bar', 'baz': 'qux'} | keys }}",
    expected: '["foo","baz"]',
    note: "the page shows ['foo', 'baz']",
  },
  {
    group: g,
    source: ref('values'),
    template: "{{ {'foo': 'bar', 'baz': 'qux'} | values }}",
    expected: '["bar","qux"]',
    note: "the page shows ['bar', 'qux']",
  },
  { group: g, source: ref('last'), template: "{{ ['apple', 'banana'] | last }}", expected: 'banana' },
  { group: g, source: ref('last'), template: "{{ 'Mitch' | last }}", expected: 'h' },
  { group: g, source: ref('length'), template: "{{ 'Mitch' | length }}", expected: '5' },
  {
    group: g,
    source: ref('merge'),
    template: '{{ [1, 2] | merge([3, 4]) }}',
    expected: '[1,2,3,4]',
    note: 'the page shows [1, 2, 3, 4]',
  },
  {
    group: g,
    source: ref('reverse'),
    template: "{{ ['apple', 'banana'] | reverse }}",
    expected: '["banana","apple"]',
    note: "the page shows ['banana', 'apple']",
  },
  {
    group: g,
    source: ref('rsort'),
    template: '{{ [3, 1, 2] | rsort }}',
    expected: '[3,2,1]',
    note: 'the page shows [3, 2, 1]',
  },
  {
    group: g,
    source: ref('slice'),
    template: "{{ ['apple', 'banana', 'cherry'] | slice(1, 2) }}",
    expected: '["banana"]',
    note: "the page shows ['banana']",
  },
  { group: g, source: ref('slice'), template: "{{ 'Mitch' | slice(1, 3) }}", expected: 'it' },
  {
    group: g,
    source: ref('sort'),
    template: '{{ [3, 1, 2] | sort }}',
    expected: '[1,2,3]',
    note: 'the page shows [1, 2, 3]',
  },
  {
    group: g,
    source: ref('split'),
    template: "{{ 'apple,banana,cherry' | split(',') }}",
    expected: '["apple","banana","cherry"]',
    note: "the page shows ['apple', 'banana', 'cherry']",
  },
  {
    group: g,
    source: ref('split'),
    template: "{{ 'apple,banana,cherry,grape' | split(',', 2) }}",
    expected: '["apple","banana,cherry,grape"]',
    note: "the page shows ['apple', 'banana,cherry,grape']",
  },

  // String filters
  {
    group: g,
    source: ref('abbreviate'),
    template: '{{ "this is a long sentence." | abbreviate(7) }}',
    expected: 'this...',
  },
  { group: g, source: ref('base64decode'), template: '{{ "dGVzdA==" | base64decode }}', expected: 'test' },
  { group: g, source: ref('base64encode'), template: '{{ "test" | base64encode }}', expected: 'dGVzdA==' },
  { group: g, source: ref('capitalize'), template: '{{ "article title" | capitalize }}', expected: 'Article title' },
  { group: g, source: ref('title'), template: '{{ "article title" | title }}', expected: 'Article Title' },
  {
    group: g,
    source: ref('default'),
    template: '{{ user.phoneNumber | default("No phone number") }}',
    vars: { user: { phoneNumber: '' } },
    expected: 'No phone number',
    note: 'the page: "(if user.phoneNumber is empty)"',
  },
  {
    group: g,
    source: ref('escapeChar'),
    template: `{{ "Can't be here" | escapeChar('single') }}`,
    expected: "Can\\'t be here",
  },
  { group: g, source: ref('lower'), template: '{{ "LOUD TEXT" | lower }}', expected: 'loud text' },
  {
    group: g,
    source: ref('replace'),
    template: '{{ "I like %this% and %that%." | replace({\'%this%\': foo, \'%that%\': "bar"}) }}',
    vars: { foo: 'foo' },
    expected: 'I like foo and bar.',
    note: 'the page shows "I like foo and bar" (no period); `foo` is a variable, given the value "foo" here',
  },
  {
    group: g,
    source: ref('sha256'),
    template: '{{ "test" | sha256 }}',
    expected: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  },
  { group: g, source: ref('startsWith'), template: '{{ "hello world" | startsWith("hello") }}', expected: 'true' },
  { group: g, source: ref('slugify'), template: '{{ "Hello World!" | slugify }}', expected: 'hello-world' },
  { group: g, source: ref('substringAfter'), template: '{{ "a.b.c" | substringAfter(".") }}', expected: 'b.c' },
  { group: g, source: ref('substringAfterLast'), template: '{{ "a.b.c" | substringAfterLast(".") }}', expected: 'c' },
  { group: g, source: ref('substringBefore'), template: '{{ "a.b.c" | substringBefore(".") }}', expected: 'a' },
  {
    group: g,
    source: ref('substringBeforeLast'),
    template: '{{ "a.b.c" | substringBeforeLast(".") }}',
    expected: 'a.b',
  },
  { group: g, source: ref('trim'), template: '{{ "   padded text   " | trim }}', expected: 'padded text' },
  { group: g, source: ref('upper'), template: '{{ "quiet sentence" | upper }}', expected: 'QUIET SENTENCE' },
  {
    group: g,
    source: ref('urldecode'),
    template: '{{ "The+string+%C3%BC%40foo-bar" | urldecode }}',
    expected: 'The string ü@foo-bar',
  },
  {
    group: g,
    source: ref('urlencode'),
    template: '{{ "The string ü@foo-bar" | urlencode }}',
    expected: 'The+string+%C3%BC%40foo-bar',
  },
  {
    group: g,
    source: ref('string'),
    template: '{{ 123 | string }}',
    expected: '123',
    note: 'the page shows "123" (quoted: a string)',
  },

  // Temporal filters
  {
    group: g,
    source: ref('date'),
    template: '{{ "July 24, 2001" | date("yyyy-MM-dd", existingFormat="MMMM dd, yyyy") }}',
    expected: '2001-07-24',
  },
  {
    group: g,
    source: ref('Time Zones'),
    template: '{{ now() | date("yyyy-MM-dd\'T\'HH:mm:ssX", timeZone="UTC") }}',
    expected: { matches: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/ },
    note: 'no output shown; the shape its format gives',
  },
  {
    group: g,
    source: ref('dateAdd'),
    template: "{{ now() | dateAdd(-1, 'DAYS') }}",
    expected: { matches: new RegExp(`^${ISO_MICROS}$`) },
    note: 'the page shows 2024-07-08T06:17:01.174686Z (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('timestamp'),
    template: '{{ now() | timestamp(timeZone="Europe/Paris") }}',
    expected: { matches: /^\d{10}$/ },
    note: 'the page shows 1720505821 (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('timestampMicro'),
    template: '{{ now() | timestampMicro(timeZone="Asia/Kolkata") }}',
    expected: { matches: /^\d{16}$/ },
    note: 'the page shows 1720505821182413 (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('timestampMilli'),
    template: '{{ now() | timestampMilli(timeZone="Asia/Kolkata") }}',
    expected: { matches: /^\d{13}$/ },
    note: 'the page shows 1720505821135 (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('timestampNano'),
    template: '{{ now() | timestampNano(timeZone="Asia/Kolkata") }}',
    expected: { matches: /^\d{19}$/ },
    note: 'the page shows 1720505821182413000 (clock-dependent: shape)',
  },
  // Example with Temporal Filters: the lines not already ported from the sections above
  {
    group: g,
    source: ref('Example with Temporal Filters'),
    template: 'Present timestamp: {{ now() }}',
    expected: { matches: new RegExp(`^Present timestamp: ${ISO_MICROS}$`) },
    note: 'the log shows 2024-07-09T06:17:01.171193Z (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('Example with Temporal Filters'),
    template: "Formatted timestamp: {{ now() | date('yyyy-MM-dd') }}",
    expected: { matches: /^Formatted timestamp: \d{4}-\d{2}-\d{2}$/ },
    note: 'the log shows 2024-07-09 (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('Example with Temporal Filters'),
    template: "Next day: {{ now() | dateAdd(1, 'DAYS') }}",
    expected: { matches: new RegExp(`^Next day: ${ISO_MICROS}$`) },
    note: 'the log shows 2024-07-10T06:17:01.176138Z (clock-dependent: shape)',
  },
  {
    group: g,
    source: ref('Example with Temporal Filters'),
    template: "Timezone (seconds): {{ now() | timestamp(timeZone='Asia/Kolkata') }}",
    expected: { matches: /^Timezone \(seconds\): \d{10}$/ },
    note: 'the log shows 1720505821 (clock-dependent: shape)',
  },

  // YAML filters
  { group: g, source: ref('nindent'), template: '{{ "key: value" | nindent(2) }}', expected: '\n  key: value' },

  // Functions
  {
    group: g,
    source: ref('block'),
    template: '{% block "post" %}content{% endblock %}\n\n{{ block("post") }}',
    expected: 'content\n\ncontent',
    note: 'the page shows the two lines without the blank line the template has between them',
  },
  { group: g, source: ref('fromJson'), template: "{{ fromJson('[1, 2, 3]')[0] }}", expected: '1' },
  { group: g, source: ref('fromJson'), template: '{{ fromJson(\'{"foo": [666, 1, 2]}\').foo[0] }}', expected: '666' },
  { group: g, source: ref('yaml'), template: "{{ yaml('foo: [666, 1, 2]').foo[0] }}", expected: '666' },
  {
    group: g,
    source: ref('Example with Functions'),
    template: 'Maximum value: {{ max(5, 10, 15) }}',
    expected: 'Maximum value: 15',
    note: 'the page shows no output; max returns the largest argument (section "max")',
  },
  {
    group: g,
    source: ref('range'),
    template: '{% for i in range(0, 3) %}\n    {{ i }},\n{% endfor %}',
    expected: '\n    0,\n\n    1,\n\n    2,\n\n    3,\n',
    note: 'the page: "output: 0, 1, 2, 3" (the loop body keeps its line breaks)',
  },
  {
    group: g,
    source: ref('range'),
    template: '{% for i in range(0, 6, 2) %}\n    {{ i }},\n{% endfor %}',
    expected: '\n    0,\n\n    2,\n\n    4,\n\n    6,\n',
    note: 'the page: "output: 0, 2, 4, 6" (the loop body keeps its line breaks)',
  },

  // Operators
  { group: g, source: ref('concat'), template: '{{ "apple" ~ "pear" ~ "banana" }}', expected: 'applepearbanana' },
  {
    group: g,
    source: ref('contains'),
    template: '{% if ["apple", "pear", "banana"] contains "apple" %}\n\t...\n{% endif %}',
    expected: '\n\t...\n',
  },
  {
    group: g,
    source: ref('contains'),
    template: '{% if {"apple":"red", "banana":"yellow"} contains "banana" %}\n\t...\n{% endif %}',
    expected: '\n\t...\n',
  },
  {
    group: g,
    source: ref('contains'),
    template: '{% if ["apple", "pear", "banana", "peach"] contains ["apple", "peach"] %}\n\t...\n{% endif %}',
    expected: '\n\t...\n',
  },

  // Tags
  {
    group: g,
    source: ref('filter'),
    template: '{% filter upper %}\n    hello\n{% endfilter %}',
    expected: { trimmedIs: 'HELLO' },
  },
  {
    group: g,
    source: ref('filter'),
    template: '{% filter upper | title %}\n    hello\n{% endfilter %}',
    expected: { trimmedIs: 'Hello' },
  },
  {
    group: g,
    source: ref('for'),
    template: '{% for user in users %}\n    {{ loop.index }}: {{ user.id }}\n{% endfor %}',
    vars: { users: [{ id: 'a' }, { id: 'b' }] },
    expected: '\n    0: a\n\n    1: b\n',
    note: 'context given here; the page: "loop.index: zero-based index"',
  },
  {
    group: g,
    source: ref('for'),
    template: '{% for user in users %}\n    {{ user.name }}\n{% else %}\n    No users found.\n{% endfor %}',
    vars: { users: [] },
    expected: '\n    No users found.\n',
    note: 'context given here (an empty list, the case the page describes)',
  },
  {
    group: g,
    source: ref('for'),
    template: '{% for entry in map %}\n    {{ entry.key }}: {{ entry.value }}\n{% endfor %}',
    vars: { map: { apple: 'red', banana: 'yellow' } },
    expected: '\n    apple: red\n\n    banana: yellow\n',
    note: 'context given here',
  },
  {
    group: g,
    source: ref('macro'),
    template:
      '{% macro input(type="text", name, value) %}\n    <input type="{{ type }}" name="{{ name }}" value="{{ value }}">\n{% endmacro %}\n\n{{ input(name="username") }}',
    expected: { trimmedIs: '<input type="text" name="username" value="">' },
  },
  {
    group: g,
    source: ref('macro'),
    template:
      "{% set foo = 'bar' %}\n\n{{ test(_context) }}\n{% macro test(_context) %}\n    {{ _context.foo }}\n{% endmacro %}",
    expected: { trimmedIs: 'bar' },
    note: 'the page: "Passing global context"',
  },
  { group: g, source: ref('raw'), template: '{% raw %}{{ user.name }}{% endraw %}', expected: '{{ user.name }}' },
  {
    group: g,
    source: ref('set'),
    template: '{% set header = "Welcome Page" %}\n\n{{ header }}',
    expected: '\n\nWelcome Page',
    note: 'the page shows "Welcome Page" without the template\'s two line breaks',
  },

  // Handle Null and Undefined Values
  {
    group: g,
    source: nulls('null coalescing'),
    template: "{{ null ?? now() | date('yyyy-MM-dd') }}",
    expected: { matches: /^\d{4}-\d{2}-\d{2}$/ },
    note: 'the page: the right-hand side, now() formatted as yyyy-MM-dd (clock-dependent: shape)',
  },
  {
    group: g,
    source: nulls('Providing default values'),
    template: "{{ inputs.optional_input ?? 'mydefault' }}",
    vars: NULL_INPUTS,
    expected: 'mydefault',
    note: 'optional_input is an input not provided (null)',
  },
  {
    group: g,
    source: nulls('Providing default values'),
    template: "{{ inputs.undefined_input ?? 'mydefault' }}",
    vars: NULL_INPUTS,
    expected: 'mydefault',
  },
  {
    group: g,
    source: nulls('Providing default values'),
    template: "{{ inputs.undefined_input ??? 'mydefault' }}",
    vars: NULL_INPUTS,
    expected: 'mydefault',
  },
  {
    group: g,
    source: nulls('Providing default values'),
    template: "{{ inputs.optional_input ??? 'mydefault' }}",
    vars: NULL_INPUTS,
    expected: '',
    note: 'the page: will return "" i.e. no value aka null value',
  },
  {
    group: g,
    source: nulls('Providing default values'),
    template: "{{ (inputs.optional_input ??? 'mydefault') ?? 'other_default' }}",
    vars: NULL_INPUTS,
    expected: 'other_default',
  },
];
