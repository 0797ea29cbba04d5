/**
 * Kestra compatibility suite, group `functions`.
 *
 * Ported from kestra-io/kestra at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a),
 * core/src/test/java/io/kestra/core/runners/pebble/functions/: FromIonFunctionTest,
 * FromJsonFunctionTest, IDFunctionTest, RandomIntFunctionTest, RenderFunctionTest,
 * RenderOncerFunctionTest, UUIDFunctionTest, YamlFunctionTest.
 *
 * Not ported (they need what credflow's suite leaves out; counted in the
 * suite's exclusions): EncryptDecryptFunctionTest (Kestra's encryption key),
 * ErrorLogsFunctionTest (`errorLogs`, Kestra's log queue), FetchContextFunctionTest
 * (`printContext`/`fetchContext`), FileSizeFunctionTest, FileURIFunctionTest,
 * ReadFileFunctionTest (Kestra's storage), KvFunctionTest (Kestra's KV store).
 *
 * Java values in contexts: `42L` is the JSON number 42; `Duration.ofSeconds(5)`
 * is "PT5S" and a `LocalDateTime` its ISO text, as Jackson writes them (the
 * test compares with their `toString()`, the same text). The LocalDateTime of
 * RenderFunctionTest#shouldRenderForDateTime is the current time, as in the test.
 */
import { type KestraCase, src } from '../case.js';

const g = 'functions';

const YAML_DOC = `# comment
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

/** `LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC)`, as text. */
const LOCAL_NOW = new Date().toISOString().slice(0, -1);

export const functions: KestraCase[] = [
  // FromIonFunctionTest
  {
    group: g,
    source: src('functions/FromIonFunctionTest', 'ionDecodeFunction'),
    template: '{{ fromIon(\'{date:2024-04-21T23:00:00.000Z, title:"Main_Page",views:109787}\').title }}',
    expected: 'Main_Page',
  },
  {
    group: g,
    source: src('functions/FromIonFunctionTest', 'ionDecodeFunction'),
    template: '{{ fromIon(null) }}',
    expected: '',
  },
  {
    group: g,
    source: src('functions/FromIonFunctionTest', 'exception'),
    template: '{{ fromIon() }}',
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/FromIonFunctionTest', 'exception'),
    template: "{{ fromIon('{not: ion') }}",
    expectedError: true,
  },

  // FromJsonFunctionTest
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'fronJsonFunction'),
    template: '{{ fromJson(\'{"test1": 1, "test2": 2, "test3": 3}\').test1 }}',
    expected: '1',
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'fronJsonFunction'),
    template: '{{ fromJson(\'{"test1": [{"test1": 666}, 2, 3], "test2": 2, "test3": 3}\').test1[0].test1 }}',
    expected: '666',
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'fronJsonFunction'),
    template: "{{ fromJson('[1, 2, 3]')[0] }}",
    expected: '1',
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'fronJsonFunction'),
    template: '{{ fromJson(\'{"empty_object":{}}\') }}',
    expected: '{"empty_object":{}}',
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'fronJsonFunction'),
    template: '{{ fromJson(null) }}',
    expected: '',
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'exception'),
    template: '{{ fromJson() }}',
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'exception'),
    template: "{{ fromJson('{not: json}') }}",
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/FromJsonFunctionTest', 'jsonFunction'),
    template: '{{ json(\'{"test1": 1, "test2": 2, "test3": 3}\').test1 }}',
    expected: '1',
  },

  // IDFunctionTest, UUIDFunctionTest: !rendered.isEmpty()
  {
    group: g,
    source: src('functions/IDFunctionTest', 'checkIdIsNotEmpty'),
    template: '{{ id() }}',
    expected: { notEmpty: true },
  },
  {
    group: g,
    source: src('functions/UUIDFunctionTest', 'checkUuidIsNotEmpty'),
    template: '{{ uuid() }}',
    expected: { notEmpty: true },
  },

  // RandomIntFunctionTest
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'missingParameter'),
    template: '{{randomInt(lower)}}',
    vars: { lower: 10 },
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'missingParameter'),
    template: '{{randomInt(upper)}}',
    vars: { upper: 1 },
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'missingParameter'),
    template: '{{randomInt()}}',
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'testGenerateNumberPositive'),
    template: '{{ randomInt(lower, upper) }}',
    vars: { lower: 1, upper: 10 },
    expected: { intBetween: { min: 1, max: 10 } },
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'testGenerateNumberPositiveString'),
    template: '{{ randomInt(lower, upper) }}',
    vars: { lower: '1', upper: '10' },
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'testGenerateNumberUpperLessThanLower'),
    template: '{{ randomInt(lower, upper) }}',
    vars: { lower: 10, upper: 1 },
    expectedError: true,
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'testGenerateNumberNegative'),
    template: '{{ randomInt(lower, upper) }}',
    vars: { lower: -10, upper: -1 },
    expected: { intBetween: { min: -10, max: -1 } },
  },
  {
    group: g,
    source: src('functions/RandomIntFunctionTest', 'testGenerateNumberSame'),
    template: '{{ randomInt(lower, upper) }}',
    vars: { lower: 10, upper: 10 },
    expected: { intBetween: { min: 10, max: 10 } },
  },

  // RenderFunctionTest
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForString'),
    template: '{{ render(input) }}',
    vars: { input: 'test' },
    expected: 'test',
  },
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForInteger'),
    template: '{{ render(input) }}',
    vars: { input: 42 },
    expected: '42',
  },
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForLong'),
    template: '{{ render(input) }}',
    vars: { input: 42 },
    expected: '42',
    note: 'Java 42L',
  },
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForBoolean'),
    template: '{{ render(input) }}',
    vars: { input: true },
    expected: 'true',
  },
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForNull'),
    template: '{{ render(input) }}',
    vars: { input: null },
    expected: '',
  },
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForDateTime'),
    template: '{{ render(input) }}',
    vars: { input: LOCAL_NOW },
    expected: LOCAL_NOW,
    note: 'LocalDateTime.ofInstant(Instant.now(), UTC) as its ISO text',
  },
  {
    group: g,
    source: src('functions/RenderFunctionTest', 'shouldRenderForDuration'),
    template: '{{ render(input) }}',
    vars: { input: 'PT5S' },
    expected: 'PT5S',
    note: 'Duration.ofSeconds(5) as its ISO-8601 text',
  },

  // RenderOncerFunctionTest
  {
    group: g,
    source: src('functions/RenderOncerFunctionTest', 'noRenderNeeded'),
    template: '{{ renderOnce(input) }}',
    vars: { input: 'test' },
    expected: 'test',
  },
  {
    group: g,
    source: src('functions/RenderOncerFunctionTest', 'oneLayerRender'),
    template: '{{ renderOnce(input) }}',
    vars: { input: '{{someOtherVar}}', someOtherVar: 'test' },
    expected: 'test',
  },
  {
    group: g,
    source: src('functions/RenderOncerFunctionTest', 'twoLayerRender'),
    template: '{{ renderOnce(input) }}',
    vars: { input: '{{someOtherVar}}', someOtherVar: '{{yetAnotherVar}}', yetAnotherVar: 'test' },
    expected: '{{yetAnotherVar}}',
  },

  // YamlFunctionTest#fromString (the test's text block, its indentation stripped as Java does)
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).string }}',
    vars: { yaml: YAML_DOC },
    expected: 'string',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).int }}',
    vars: { yaml: YAML_DOC },
    expected: '123',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).bool }}',
    vars: { yaml: YAML_DOC },
    expected: 'true',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).float }}',
    vars: { yaml: YAML_DOC },
    expected: '1.23',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).instant }}',
    vars: { yaml: YAML_DOC },
    expected: '1918-02-24T00:00:00Z',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).date }}',
    vars: { yaml: YAML_DOC },
    expected: '1991-08-20',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).time }}',
    vars: { yaml: YAML_DOC },
    expected: '23:59:59',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).object.child.key }}',
    vars: { yaml: YAML_DOC },
    expected: 'value',
  },
  {
    group: g,
    source: src('functions/YamlFunctionTest', 'fromString'),
    template: '{{ yaml(yaml).array[0] }}',
    vars: { yaml: YAML_DOC },
    expected: 'string',
  },
];
