/**
 * Kestra compatibility suite: expressions from Kestra's documentation (and
 * the Pebble documentation Kestra's pages point to), rendered with
 * credflow's `<< >>` delimiters, compared with what the documentation shows.
 *
 * Sources (kestra-io/docs, path in the repository; published under https://kestra.io/docs/expressions/…):
 * - STRINGS: src/contents/docs/expressions/03.filters/03.strings/index.mdx
 * - COLLECTIONS: src/contents/docs/expressions/03.filters/02.collections/index.mdx
 * - JSON: src/contents/docs/expressions/03.filters/01.json/index.mdx
 * - DATES: src/contents/docs/expressions/03.filters/04.dates/index.mdx
 * - TEMPORAL: content/docs/expressions/03.filter/temporal.md (older page; has the example's log output)
 * - PARSING: src/contents/docs/expressions/04.functions/03.parsing/index.mdx
 * - UTILITIES: src/contents/docs/expressions/04.functions/05.utilities/index.mdx
 * - PEBBLE: PebbleTemplates/pebble docs/src/orchid/resources/wiki/filter/<name>.md (https://pebbletemplates.io/wiki/filter/<name>/)
 * - KESTRA-TESTS: kestra-io/kestra core/src/test/java/io/kestra/core/runners/pebble/filters/<Name>Test.java
 *   (Kestra's own expected outputs, for cases the pages show without output)
 *
 * Kestra prints a list or map as JSON; credflow's output conversion is not
 * part of the standard library, so list results are piped through `toJson`
 * here and compared with the documented list written as JSON.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderWith } from './stdlib-env.js';

interface Case {
  expr: string;
  expected: string;
  source: string;
  ctx?: Record<string, unknown>;
}

const STRINGS = 'kestra-io/docs src/contents/docs/expressions/03.filters/03.strings/index.mdx';
const COLLECTIONS = 'kestra-io/docs src/contents/docs/expressions/03.filters/02.collections/index.mdx';
const JSON_PAGE = 'kestra-io/docs src/contents/docs/expressions/03.filters/01.json/index.mdx';
const DATES = 'kestra-io/docs src/contents/docs/expressions/03.filters/04.dates/index.mdx';
const TEMPORAL = 'kestra-io/docs content/docs/expressions/03.filter/temporal.md';
const PARSING = 'kestra-io/docs src/contents/docs/expressions/04.functions/03.parsing/index.mdx';
const UTILITIES = 'kestra-io/docs src/contents/docs/expressions/04.functions/05.utilities/index.mdx';
const pebble = (name: string) => `PebbleTemplates/pebble docs/src/orchid/resources/wiki/filter/${name}.md`;
const kestraTest = (name: string) =>
  `kestra-io/kestra core/src/test/java/io/kestra/core/runners/pebble/filters/${name}.java`;

const cases: Case[] = [
  // STRINGS: "Case and whitespace"
  { expr: '"LOUD TEXT" | lower', expected: 'loud text', source: STRINGS },
  { expr: '"quiet text" | upper', expected: 'QUIET TEXT', source: STRINGS },
  { expr: '"  padded  " | trim', expected: 'padded', source: STRINGS },
  // STRINGS: "abbreviate" (and PEBBLE abbreviate.md: "this...")
  { expr: '"this is a long sentence." | abbreviate(7)', expected: 'this...', source: STRINGS },
  // STRINGS: "replace" (the page shows no output; `foo` is a variable)
  {
    expr: '"I like %this% and %that%." | replace({\'%this%\': foo, \'%that%\': "bar"})',
    ctx: { foo: 'tea' },
    expected: 'I like tea and bar.',
    source: STRINGS,
  },
  // STRINGS: substringBefore / After / BeforeLast / AfterLast
  { expr: '"a.b.c" | substringBefore(".")', expected: 'a', source: STRINGS },
  { expr: '"a.b.c" | substringAfter(".")', expected: 'b.c', source: STRINGS },
  { expr: '"a.b.c" | substringBeforeLast(".")', expected: 'a.b', source: STRINGS },
  { expr: '"a.b.c" | substringAfterLast(".")', expected: 'c', source: STRINGS },
  // STRINGS: slugify
  { expr: '"Hello World!" | slugify', expected: 'hello-world', source: STRINGS },
  // STRINGS: default ("null or empty"); PEBBLE default.md
  {
    expr: 'user.phoneNumber | default("No phone number")',
    ctx: { user: {} },
    expected: 'No phone number',
    source: STRINGS,
  },
  {
    expr: 'user.phoneNumber | default("No phone number")',
    ctx: { user: { phoneNumber: null } },
    expected: 'No phone number',
    source: pebble('default'),
  },
  {
    expr: 'user.phoneNumber | default("No phone number")',
    ctx: { user: { phoneNumber: '' } },
    expected: 'No phone number',
    source: pebble('default'),
  },
  // STRINGS: startsWith / endsWith
  { expr: '"kestra://file.csv" | startsWith("kestra://")', expected: 'true', source: STRINGS },
  { expr: '"report.csv" | endsWith(".csv")', expected: 'true', source: STRINGS },
  // STRINGS: "Encoding and hashing"
  { expr: '"test" | base64encode', expected: 'dGVzdA==', source: STRINGS },
  { expr: '"dGVzdA==" | base64decode', expected: 'test', source: STRINGS },
  { expr: '"The string ü@foo-bar" | urlencode', expected: 'The+string+%C3%BC%40foo-bar', source: STRINGS },
  { expr: '"The+string+%C3%BC%40foo-bar" | urldecode', expected: 'The string ü@foo-bar', source: STRINGS },
  // PEBBLE sha256.md (the Kestra page lists `"test" | sha256` without output)
  {
    expr: '"test" | sha256',
    expected: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    source: pebble('sha256'),
  },
  // COLLECTIONS: first / last / length / join / split / keys / values / number
  { expr: "['apple', 'banana', 'cherry'] | first", expected: 'apple', source: COLLECTIONS },
  { expr: "['apple', 'banana', 'cherry'] | last", expected: 'cherry', source: COLLECTIONS },
  { expr: "'Kestra' | first", expected: 'K', source: COLLECTIONS },
  { expr: "'Kestra' | last", expected: 'a', source: COLLECTIONS },
  { expr: "['apple', 'banana'] | length", expected: '2', source: COLLECTIONS },
  { expr: "'Kestra' | length", expected: '6', source: COLLECTIONS },
  { expr: "['apple', 'banana', 'cherry'] | join(', ')", expected: 'apple, banana, cherry', source: COLLECTIONS },
  { expr: "'apple,banana,cherry' | split(',') | toJson", expected: '["apple","banana","cherry"]', source: COLLECTIONS },
  {
    expr: "'apple,banana,cherry,grape' | split(',', 2) | toJson",
    expected: '["apple","banana,cherry,grape"]',
    source: COLLECTIONS,
  },
  { expr: "'a.b.c' | split('\\\\.') | toJson", expected: '["a","b","c"]', source: COLLECTIONS },
  { expr: "{'foo': 'bar', 'baz': 'qux'} | keys | toJson", expected: '["foo","baz"]', source: COLLECTIONS },
  { expr: "{'foo': 'bar', 'baz': 'qux'} | values | toJson", expected: '["bar","qux"]', source: COLLECTIONS },
  { expr: '"12.3" | number', expected: '12.3', source: COLLECTIONS },
  // PEBBLE: split with a limit, join, first, trim
  {
    expr: '"one,two,three,four,five" | split(\',\', 3) | toJson',
    expected: '["one","two","three,four,five"]',
    source: pebble('split'),
  },
  {
    expr: "names | join(',')",
    ctx: { names: ['Alex', 'Joe', 'Bob'] },
    expected: 'Alex,Joe,Bob',
    source: pebble('join'),
  },
  { expr: "'Mitch' | first", expected: 'M', source: pebble('first') },
  {
    expr: '"    This text has too much whitespace.    " | trim',
    expected: 'This text has too much whitespace.',
    source: pebble('trim'),
  },
  // JSON: toJson (output as Jackson writes it: KESTRA-TESTS ToJsonFilterTest)
  { expr: '[1, 2, 3] | toJson', expected: '[1,2,3]', source: JSON_PAGE },
  { expr: 'true | toJson', expected: 'true', source: JSON_PAGE },
  { expr: '"foo" | toJson', expected: '"foo"', source: JSON_PAGE },
  { expr: 'null | toJson', expected: 'null', source: kestraTest('ToJsonFilterTest') },
  // PARSING: fromJson()
  { expr: "fromJson('[1, 2, 3]')[0]", expected: '1', source: PARSING },
  {
    expr: 'fromJson(outputs.myTask.value).name',
    ctx: { outputs: { myTask: { value: '{"name": "alpha", "value": 1}' } } },
    expected: 'alpha',
    source: PARSING,
  },
  // TEMPORAL: date with existingFormat (the page shows 2001-07-24)
  {
    expr: '"July 24, 2001" | date("yyyy-MM-dd", existingFormat="MMMM dd, yyyy")',
    expected: '2001-07-24',
    source: TEMPORAL,
  },
  // KESTRA-TESTS DateFilterTest: text dates, RFC 1123, dateAdd, timestampNano, timestampMicro (fixed version)
  {
    expr: '"2013-09-08T17:19:12" | date(timeZone="Europe/Paris")',
    expected: '2013-09-08T17:19:12.000000+02:00',
    source: kestraTest('DateFilterTest'),
  },
  {
    expr: '"2013-09-08" | date(timeZone="Europe/Paris")',
    expected: '2013-09-08T00:00:00.000000+02:00',
    source: kestraTest('DateFilterTest'),
  },
  {
    expr: "'Tue, 08 Feb 2022 19:38:26 GMT' | date(existingFormat='rfc_1123_date_time', timeZone=\"Europe/Paris\")",
    expected: '2022-02-08T20:38:26.000000+01:00',
    source: kestraTest('DateFilterTest'),
  },
  {
    expr: 'zoned | dateAdd(-1,"DAYS",timeZone="Europe/Paris")',
    ctx: { zoned: '2013-09-08T16:19:12.123456+01:00' },
    expected: '2013-09-07T17:19:12.123456+02:00',
    source: kestraTest('DateFilterTest'),
  },
  {
    expr: 'zoned | date(format="iso_sec", timeZone="Europe/Paris")',
    ctx: { zoned: '2013-09-08T16:19:12.123456+01:00' },
    expected: '2013-09-08T17:19:12+02:00',
    source: kestraTest('DateFilterTest'),
  },
  {
    expr: 'zoned | timestampNano(timeZone="Europe/Paris")',
    ctx: { zoned: '2013-09-08T16:19:12.123456+01:00' },
    expected: '1378653552123456000',
    source: kestraTest('DateFilterTest'),
  },
  {
    expr: 'zoned | timestamp(timeZone="Europe/Paris")',
    ctx: { zoned: '2013-09-08T16:19:12.123456+01:00' },
    expected: '1378653552',
    source: kestraTest('DateFilterTest'),
  },
  // KESTRA-TESTS ReplaceFilterTest, SlugifyFilterTest
  {
    expr: "'john doe is john doe' | replace({'john': 'jane'})",
    expected: 'jane doe is jane doe',
    source: kestraTest('ReplaceFilterTest'),
  },
  {
    expr: "'aa1bb2cc3dd4ee5' | replace({'(\\\\d)': '-$1-'}, regexp=true)",
    expected: 'aa-1-bb-2-cc-3-dd-4-ee-5-',
    source: kestraTest('ReplaceFilterTest'),
  },
  { expr: '"Test\t\t\ntest*" | slugify', expected: 'test-test', source: kestraTest('SlugifyFilterTest') },
];

describe('Kestra documentation examples', () => {
  it.each(cases)('<< $expr >> renders $expected ($source)', async ({ expr, expected, ctx }) => {
    expect(await renderWith(`<< ${expr} >>`, ctx)).toBe(expected);
  });
});

/**
 * TEMPORAL's "Temporal Filters in action" flow, with the clock frozen at the
 * log's first instant (2024-07-09T06:17:01.171Z). The page's log comes from a
 * live clock (each line a few microseconds later, Java's microsecond
 * precision); credflow's clock has milliseconds, so the fractions read
 * `.171000`. Everything else is what the page shows.
 */
describe('the temporal example flow, clock frozen', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-07-09T06:17:01.171Z'));
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  const flow: Case[] = [
    // TEMPORAL log: "Present timestamp: 2024-07-09T06:17:01.171193Z"
    { expr: 'now()', expected: '2024-07-09T06:17:01.171000Z', source: TEMPORAL },
    // "Formatted timestamp: 2024-07-09"
    { expr: "now() | date('yyyy-MM-dd')", expected: '2024-07-09', source: TEMPORAL },
    // "Previous day: 2024-07-08T06:17:01.174686Z"
    { expr: "now() | dateAdd(-1, 'DAYS')", expected: '2024-07-08T06:17:01.171000Z', source: TEMPORAL },
    // "Next day: 2024-07-10T06:17:01.176138Z"
    { expr: "now() | dateAdd(1, 'DAYS')", expected: '2024-07-10T06:17:01.171000Z', source: TEMPORAL },
    // "Different timezone: 1720505821"
    { expr: "now() | timestamp(timeZone='Asia/Kolkata')", expected: '1720505821', source: TEMPORAL },
    // DATES: timestampMilli / timestampMicro (fixed: microseconds) / timestampNano
    { expr: "now() | timestampMilli(timeZone='Asia/Kolkata')", expected: '1720505821171', source: DATES },
    { expr: "now() | timestampMicro(timeZone='Asia/Kolkata')", expected: '1720505821171000', source: DATES },
    { expr: "now() | timestampNano(timeZone='Asia/Kolkata')", expected: '1720505821171000000', source: DATES },
    // DATES "Time zones"
    {
      expr: 'now() | date("yyyy-MM-dd\'T\'HH:mm:ssX", timeZone="UTC")',
      expected: '2024-07-09T06:17:01Z',
      source: DATES,
    },
    // UTILITIES now(timeZone=)
    { expr: 'now(timeZone="Europe/Paris")', expected: '2024-07-09T08:17:01.171000+02:00', source: UTILITIES },
  ];

  it.each(flow)('<< $expr >> renders $expected ($source)', async ({ expr, expected }) => {
    expect(await renderWith(`<< ${expr} >>`)).toBe(expected);
  });
});

it('has at least 30 documented cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
});
