/**
 * Kestra compatibility suite, group `filters` (text and collection filters).
 *
 * Ported from kestra-io/kestra at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a),
 * core/src/test/java/io/kestra/core/runners/pebble/filters/: ChunkFilterTest,
 * EndsWithFilterTest, EscapeCharFilterTest, FlattenFilterTest, IndentFilterTest,
 * Md5FilterTest, NindentFilterTest, NumberFilterTest, ReplaceFilterTest,
 * Sha1FilterTest, Sha512FilterTest, SlugifyFilterTest, StartsWithFilterTest,
 * SubstringFilterTest, UrlDecodeFilter.
 *
 * Every render of those tests is a case, in the test's order; templates are
 * the Java string literals' values (the same escapes in TypeScript), expected
 * values are what the test asserts. `System.lineSeparator()` is "\n" (Linux).
 */
import { type KestraCase, src } from '../case.js';

const g = 'filters';

export const filtersText: KestraCase[] = [
  // ChunkFilterTest
  {
    group: g,
    source: src('filters/ChunkFilterTest', 'out'),
    template: '{{ list | chunk(2) }}',
    vars: { list: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expected: '[[1,2],[3,4],[5,6],[7,8],[9]]',
  },
  {
    group: g,
    source: src('filters/ChunkFilterTest', 'exception'),
    template: '{{ test | chunk(2) }}',
    vars: { test: 1 },
    expectedError: true,
  },

  // EndsWithFilterTest: Boolean.parseBoolean(render) is true
  {
    group: g,
    source: src('filters/EndsWithFilterTest', 'out'),
    template: '{{ "Hello World" | endsWith("World") }}',
    expected: { matches: /^true$/i },
  },

  // EscapeCharFilterTest#validTypes: "{{ " + input + " | escapeChar('" + type + "') }}"
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'validTypes'),
    template: `{{ "L'eau c'est la vie" | escapeChar('single') }}`,
    expected: "L\\'eau c\\'est la vie",
  },
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'validTypes'),
    template: `{{ '"Hello"' | escapeChar('double') }}`,
    expected: '\\"Hello\\"',
  },
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'validTypes'),
    template: `{{ "L'eau c'est la vie" | escapeChar('shell') }}`,
    expected: "L'\\''eau c'\\''est la vie",
  },
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'validTypes'),
    template: "{{ '' | escapeChar('single') }}",
    expected: '',
  },
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'validTypes'),
    template: "{{ '' | escapeChar('double') }}",
    expected: '',
  },
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'validTypes'),
    template: "{{ '' | escapeChar('shell') }}",
    expected: '',
  },
  // EscapeCharFilterTest#invalidTypes: @ValueSource(strings = {"foo", ""})
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'invalidTypes'),
    template: "{{ 'Hello' | escapeChar('foo') }}",
    expectedError: true,
  },
  {
    group: g,
    source: src('filters/EscapeCharFilterTest', 'invalidTypes'),
    template: "{{ 'Hello' | escapeChar('') }}",
    expectedError: true,
  },

  // FlattenFilterTest
  {
    group: g,
    source: src('filters/FlattenFilterTest', 'flatten'),
    template: '{{ nestedList | flatten | first }}',
    vars: {
      nestedList: [
        "You're doing great! Keep it up!",
        'Sending positive vibes your way!',
        ["You're awesome!", 'Keep shining!'],
        'Believe in yourself!',
        ["You're making a difference!", "You've got this!"],
        "You're capable of amazing things!",
        'Stay positive and keep going!',
        "You're doing fantastic!",
      ],
    },
    expected: "You're doing great! Keep it up!",
  },

  // IndentFilterTest
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentNull'),
    template: '{{ null | indent(2) }}',
    expected: '',
    note: 'emptyOrNullString(): a render is never null, so the empty string',
  },
  { group: g, source: src('filters/IndentFilterTest', 'indentEmpty'), template: "{{ '' | indent(2) }}", expected: '' },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentEmptyLines'),
    template: '{{ "\n\n" | indent(2) }}',
    expected: '\n  \n  ',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentString'),
    template: "{{ 'string' | indent(2) }}",
    expected: 'string',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentInteger'),
    template: '{{ 1 | indent(2) }}',
    expected: '1',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentStringWithCRLF'),
    template: '{{ "first line\r\nsecond line" | indent(2) }}',
    expected: 'first line\r\n  second line',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentStringWithLF'),
    template: '{{ "first line\nsecond line" | indent(2) }}',
    expected: 'first line\n  second line',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentStringWithCR'),
    template: '{{ "first line\rsecond line" | indent(2) }}',
    expected: 'first line\r  second line',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentStringWithSystemNewLine'),
    template: '{{ "first line\nsecond line" | indent(2) }}',
    expected: 'first line\n  second line',
    note: 'System.lineSeparator() is "\\n" on Linux',
  },
  {
    group: g,
    source: src('filters/IndentFilterTest', 'indentWithTab'),
    template: '{{ "first line\nsecond line" | indent(2, "\t") }}',
    expected: 'first line\n\t\tsecond line',
  },

  // Md5FilterTest, Sha1FilterTest, Sha512FilterTest: render.equals("hello") is false
  {
    group: g,
    source: src('filters/Md5FilterTest', 'out'),
    template: '{{ "hello" | md5 }}',
    expected: { not: 'hello' },
  },

  // NindentFilterTest
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentNull'),
    template: '{{ null | nindent(2) }}',
    expected: '',
    note: 'emptyOrNullString(): a render is never null, so the empty string',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentEmpty'),
    template: "{{ '' | nindent(2) }}",
    expected: '',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentEmptyLines'),
    template: '{{ "\n\n" | nindent(2) }}',
    expected: '\n  \n  \n  ',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentString'),
    template: "{{ 'string' | nindent(2) }}",
    expected: '\n  string',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentInteger'),
    template: '{{ 1 | nindent(2) }}',
    expected: '\n  1',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentStringWithCRLF'),
    template: '{{ "first line\r\nsecond line" | nindent(2) }}',
    expected: '\r\n  first line\r\n  second line',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentStringWithLF'),
    template: '{{ "first line\nsecond line" | nindent(2) }}',
    expected: '\n  first line\n  second line',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentStringWithCR'),
    template: '{{ "first line\rsecond line" | nindent(2) }}',
    expected: '\r  first line\r  second line',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentStringWithSystemNewLine'),
    template: '{{ "first line\nsecond line" | nindent(2) }}',
    expected: '\n  first line\n  second line',
    note: 'System.lineSeparator() is "\\n" on Linux',
  },
  {
    group: g,
    source: src('filters/NindentFilterTest', 'nindentWithTab'),
    template: '{{ "first line\nsecond line" | nindent(2, "\t") }}',
    expected: '\n\t\tfirst line\n\t\tsecond line',
  },

  // NumberFilterTest#run (@MethodSource): the input is text, Kestra's answer is the Java class it infers
  {
    group: g,
    source: src('filters/NumberFilterTest', 'run'),
    template: '{{ "12.3" | number | className }}',
    expected: 'java.lang.Float',
  },
  {
    group: g,
    source: src('filters/NumberFilterTest', 'run'),
    template: '{{ "2147483647" | number | className }}',
    expected: 'java.lang.Integer',
  },
  {
    group: g,
    source: src('filters/NumberFilterTest', 'run'),
    template: '{{ "9223372036854775807" | number | className }}',
    expected: 'java.lang.Long',
  },
  {
    group: g,
    source: src('filters/NumberFilterTest', 'run'),
    template: '{{ "9223372036854775807" | number(\'BIGDECIMAL\') | className }}',
    expected: 'java.math.BigDecimal',
  },
  {
    group: g,
    source: src('filters/NumberFilterTest', 'run'),
    template: '{{ "9223372036854775807" | number(\'BIGINTEGER\') | className }}',
    expected: 'java.math.BigInteger',
  },
  {
    group: g,
    source: src('filters/NumberFilterTest', 'run'),
    template: '{{ "9223372036854775807" | number(\'DOUBLE\') | className }}',
    expected: 'java.lang.Double',
  },

  // ReplaceFilterTest
  {
    group: g,
    source: src('filters/ReplaceFilterTest', 'string'),
    template: "{{ 'john doe is john doe' | replace({'john': 'jane'}) }}",
    expected: 'jane doe is jane doe',
  },
  {
    group: g,
    source: src('filters/ReplaceFilterTest', 'regexp'),
    template: "{{ 'aa1bb2cc3dd4ee5' | replace({'(\\d)': '-$1-'}, regexp=true) }}",
    expected: 'aa-1-bb-2-cc-3-dd-4-ee-5-',
  },

  // Sha1FilterTest, Sha512FilterTest
  {
    group: g,
    source: src('filters/Sha1FilterTest', 'out'),
    template: '{{ "hello" | sha1 }}',
    expected: { not: 'hello' },
  },
  {
    group: g,
    source: src('filters/Sha512FilterTest', 'out'),
    template: '{{ "hello" | sha512 }}',
    expected: { not: 'hello' },
  },

  // SlugifyFilterTest
  {
    group: g,
    source: src('filters/SlugifyFilterTest', 'out'),
    template: '{{ "Test\t\t\ntest*" | slugify }}',
    expected: 'test-test',
  },

  // StartsWithFilterTest: Boolean.parseBoolean(render) is true
  {
    group: g,
    source: src('filters/StartsWithFilterTest', 'out'),
    template: '{{ "Hello World" | startsWith("Hello") }}',
    expected: { matches: /^true$/i },
  },

  // SubstringFilterTest
  {
    group: g,
    source: src('filters/SubstringFilterTest', 'substringBefore'),
    template: "{{ 'a.b.c' | substringBefore('.') }}",
    expected: 'a',
  },
  {
    group: g,
    source: src('filters/SubstringFilterTest', 'substringAfter'),
    template: "{{ 'a.b.c' | substringAfter(separator='.') }}",
    expected: 'b.c',
  },
  {
    group: g,
    source: src('filters/SubstringFilterTest', 'substringBeforeLast'),
    template: "{{ 'a.b.c' | substringBeforeLast(separator='.') }}",
    expected: 'a.b',
  },
  {
    group: g,
    source: src('filters/SubstringFilterTest', 'substringBeforeLast'),
    template: "{{ 'a.b.c' | substringBeforeLast('.') }}",
    expected: 'a.b',
  },
  {
    group: g,
    source: src('filters/SubstringFilterTest', 'substringAfterLast'),
    template: "{{ 'a.b.c' | substringAfterLast('.') }}",
    expected: 'c',
  },

  // UrlDecodeFilter (the test class is named without "Test")
  {
    group: g,
    source: src('filters/UrlDecodeFilter', 'urldecode'),
    template: "{{ 'Kestra rulez !' | urlencode | urldecode }}",
    expected: 'Kestra rulez !',
  },
];
