import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/load-flow.js';
import { coerceInput, type InputProperties, type InputType } from '../../src/inputs/input-types.js';
import { InputError, resolveInputs } from '../../src/inputs/resolve-inputs.js';

// Issue 28: every Kestra input type, with Kestra's conversions (FlowInputOutput.parseType) and
// checks (io.kestra.core.models.flows.input.*Input.validate).

const dir = mkdtempSync(join(tmpdir(), 'credflow-inputs-'));
const file = join(dir, 'data.txt');
writeFileSync(file, 'hello');

describe('coerceInput: the types added for issue 28', () => {
  it.each([
    ['BOOL', 'true', {}, true],
    ['BOOL', false, {}, false],
    ['SELECT', 'b', { values: ['a', 'b'] }, 'b'],
    ['SELECT', 'zz', { values: ['a'], allowCustomValue: true }, 'zz'],
    ['ENUM', 'ENUM_VALUE', { values: ['ENUM_VALUE', 'OTHER_ONE'] }, 'ENUM_VALUE'],
    ['MULTISELECT', ['a', 'c'], { values: ['a', 'b', 'c'] }, ['a', 'c']],
    ['MULTISELECT', '["b"]', { options: ['a', 'b'] }, ['b']],
    ['MULTISELECT', ['x'], { values: ['a'], allowCustomValue: true }, ['x']],
    ['MULTISELECT', '[]', { values: ['a'] }, []],
    // InputsTest.allValidInputs: instant, date, time.
    ['DATETIME', '2019-10-06T18:27:49Z', {}, '2019-10-06T18:27:49Z'],
    ['DATETIME', '2019-10-06T20:27:49.5+02:00', {}, '2019-10-06T18:27:49.500Z'],
    ['DATE', '2019-10-06', {}, '2019-10-06'],
    ['DATE', '2024-02-29', {}, '2024-02-29'],
    ['TIME', '18:27:49', {}, '18:27:49'],
    ['TIME', '10:15', {}, '10:15'],
    ['EMAIL', 'name@example.com', {}, 'name@example.com'],
    ['YAML', 'property: something\nlist:\n  - key: key1\n', {}, { property: 'something', list: [{ key: 'key1' }] }],
    ['YAML', { a: 1 }, {}, { a: 1 }],
    // InputsTest.allValidInputs: array, itemType INT, "[1, 2, 3]".
    ['ARRAY', '[1, 2, 3]', { itemType: 'INT' }, [1, 2, 3]],
    ['ARRAY', ['1', '2'], { itemType: 'INT' }, [1, 2]],
    ['ARRAY', ['2024-01-01'], { itemType: 'DATE' }, ['2024-01-01']],
    ['FILE', file, {}, pathToFileURL(file).href],
    ['FILE', pathToFileURL(file).href, {}, pathToFileURL(file).href],
  ] as [InputType, unknown, InputProperties, unknown][])('%s %j %j', (type, value, props, expected) => {
    expect(coerceInput(type, value, props)).toEqual(expected);
  });

  it.each([
    ['BOOL', 'yes', {}, 'expected true or false'],
    // InputsTest.inputEnumFailed: "INVALID" is not among [ENUM_VALUE, OTHER_ONE].
    [
      'ENUM',
      'INVALID',
      { values: ['ENUM_VALUE', 'OTHER_ONE'] },
      "expected one of the input's values: ENUM_VALUE, OTHER_ONE",
    ],
    ['SELECT', 'c', { values: ['a', 'b'] }, "expected one of the input's values: a, b"],
    ['MULTISELECT', ['a', 'c'], { values: ['a', 'b'] }, "expected one of the input's values: a, b"],
    ['MULTISELECT', 'a', { values: ['a'] }, 'expected a list, or a JSON array such as ["a", "b"]'],
    ['DATETIME', '2019-10-06T18:27:49', {}, 'expected an ISO-8601 date and time with a time zone'],
    ['DATETIME', '2019-13-06T18:27:49Z', {}, 'expected an ISO-8601 date and time'],
    ['DATE', '2023-02-29', {}, 'expected an ISO-8601 date, such as 2024-01-31'],
    ['DATE', '06/10/2019', {}, 'expected an ISO-8601 date'],
    ['TIME', '24:00', {}, 'expected an ISO-8601 local time'],
    ['EMAIL', 'not an email', {}, 'expected an email address, such as name@example.com'],
    ['EMAIL', 'a@b@c', {}, 'expected an email address'],
    ['YAML', 'a: [1', {}, 'expected valid YAML'],
    // InputsTest.inputArrayFailed: ["s1", "s2"] as INT items.
    ['ARRAY', '["s1", "s2"]', { itemType: 'INT' }, 'item 1 (INT): expected an integer'],
    ['ARRAY', 'a,b', { itemType: 'STRING' }, 'expected a list, or a JSON array'],
    ['FILE', join(dir, 'missing.txt'), {}, 'expected the path of an existing, readable file'],
    ['FILE', dir, {}, 'expected the path of an existing, readable file'],
    // InputsTest.inputValidatedIntegerBadValue: min 10, max 20.
    ['INT', '9', { min: 10, max: 20 }, 'expected at least 10'],
    ['INT', '21', { min: 10, max: 20 }, 'expected at most 20'],
    // InputsTest.inputValidatedFloatBadValue: min 0.1, max 0.5.
    ['FLOAT', '0.01', { min: 0.1, max: 0.5 }, 'expected at least 0.1'],
    ['FLOAT', '1.01', { min: 0.1, max: 0.5 }, 'expected at most 0.5'],
    // InputsTest.inputValidatedDateBadValue: after 2023-01-01, before 2023-12-31.
    ['DATE', '2022-01-01', { after: '2023-01-01', before: '2023-12-31' }, 'expected a date after 2023-01-01'],
    ['DATE', '2024-01-01', { after: '2023-01-01', before: '2023-12-31' }, 'expected a date before 2023-12-31'],
    // InputsTest.inputValidatedDateTimeBadValue.
    [
      'DATETIME',
      '2022-01-01T00:00:00Z',
      { after: '2023-01-01T00:00:00Z', before: '2023-12-31T23:59:59Z' },
      'expected a date and time after 2023-01-01T00:00:00Z',
    ],
    [
      'DATETIME',
      '2024-01-01T00:00:00Z',
      { after: '2023-01-01T00:00:00Z', before: '2023-12-31T23:59:59Z' },
      'expected a date and time before 2023-12-31T23:59:59Z',
    ],
    // InputsTest.inputValidatedDurationBadValue: min PT10S, max PT20S.
    ['DURATION', 'PT1S', { min: 'PT10S', max: 'PT20S' }, 'expected a duration of at least PT10S'],
    ['DURATION', 'PT30S', { min: 'PT10S', max: 'PT20S' }, 'expected a duration of at most PT20S'],
    // InputsTest.inputValidatedTimeBadValue: after 01:00:00, before 11:59:59.
    ['TIME', '00:00:01', { after: '01:00:00', before: '11:59:59' }, 'expected a time after 01:00:00'],
    ['TIME', '14:00:00', { after: '01:00:00', before: '11:59:59' }, 'expected a time before 11:59:59'],
  ] as [InputType, unknown, InputProperties, string][])('refuses %s %j %j', (type, value, props, message) => {
    expect(() => coerceInput(type, value, props)).toThrow(message);
    expect(() => coerceInput(type, value, props)).toThrow(/\(the value is not shown\)$/);
  });

  it('accepts values within the bounds (InputsTest.allValidInputs: validatedInt, validatedDate, ...)', () => {
    expect(coerceInput('INT', '12', { min: 10, max: 20 })).toBe(12);
    expect(coerceInput('INT', '10', { min: 10, max: 20 })).toBe(10);
    expect(coerceInput('FLOAT', '0.42', { min: 0.1, max: 0.5 })).toBe(0.42);
    expect(coerceInput('DATE', '2023-01-02', { after: '2023-01-01', before: '2023-12-31' })).toBe('2023-01-02');
    expect(
      coerceInput('DATETIME', '2023-01-01T00:00:10Z', {
        after: '2023-01-01T00:00:00Z',
        before: '2023-12-31T23:59:59Z',
      }),
    ).toBe('2023-01-01T00:00:10Z');
    expect(coerceInput('TIME', '11:27:49', { after: '01:00:00', before: '11:59:59' })).toBe('11:27:49');
    expect(coerceInput('DURATION', 'PT15S', { min: 'PT10S', max: 'PT20S' })).toBe('PT15S');
  });
});

describe('resolveInputs: prefill and properties', () => {
  it('uses prefill when no value is given, and the given value over it', () => {
    const declared = [{ id: 's', type: 'SELECT' as const, values: ['a', 'b'], prefill: 'b' }];
    expect(resolveInputs(declared, {})).toEqual({ s: 'b' });
    expect(resolveInputs(declared, { s: 'a' })).toEqual({ s: 'a' });
    expect(() => resolveInputs(declared, { s: 'c' })).toThrow(
      new InputError("input 's' (SELECT): expected one of the input's values: a, b (the value is not shown)"),
    );
  });
});

const flow = (input: string) => `id: f
namespace: a.b
inputs:
  - ${input}
tasks:
  - { id: log, type: io.kestra.plugin.core.log.Log, message: x }
`;
const errorOf = (text: string) => {
  try {
    parseFlow(text);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
};

describe('validate: input properties and defaults, statically', () => {
  it('accepts every new type with its properties', () => {
    for (const input of [
      '{ id: a, type: BOOL, defaults: true }',
      '{ id: a, type: SELECT, values: [x, y], defaults: x, allowCustomValue: false, isRadio: true }',
      '{ id: a, type: MULTISELECT, options: [x, y], defaults: [x] }',
      '{ id: a, type: DATETIME, after: "2023-01-01T00:00:00Z", defaults: "2024-01-01T00:00:00Z" }',
      '{ id: a, type: DATE, before: "2023-12-31", prefill: "2023-06-01" }',
      '{ id: a, type: TIME, after: "01:00" }',
      '{ id: a, type: YAML, defaults: { property: something } }',
      '{ id: a, type: EMAIL, defaults: a@b.c }',
      '{ id: a, type: ARRAY, itemType: FLOAT, defaults: [1.5, "2"] }',
      '{ id: a, type: FILE, required: false }',
      '{ id: a, type: INT, min: 1, max: 3, defaults: 2 }',
      '{ id: a, type: DURATION, min: PT10S, max: PT20S, defaults: PT15S }',
    ]) {
      expect(errorOf(flow(input)), input).toBeUndefined();
    }
  });

  it.each([
    ['{ id: a, type: SELECT }', 'inputs[0].values: required for a SELECT input'],
    [
      '{ id: a, type: SELECT, values: [x], defaults: y }',
      "inputs[0].defaults: does not fit type SELECT: expected one of the input's values: x",
    ],
    ['{ id: a, type: MULTISELECT, values: [x], options: [x] }', "inputs[0].options: use 'values'"],
    ['{ id: a, type: ARRAY }', 'inputs[0].itemType: required for an ARRAY input'],
    ['{ id: a, type: ARRAY, itemType: ARRAY }', 'inputs[0].itemType: cannot be ARRAY: expected one of'],
    ['{ id: a, type: STRING, min: 1 }', 'inputs[0].min: only for inputs of type INT, FLOAT, DURATION'],
    ['{ id: a, type: DURATION, min: 10 }', 'inputs[0].min: expected an ISO-8601 duration'],
    ['{ id: a, type: DURATION, min: PT1M, max: PT10S }', 'inputs[0].min: is greater than max'],
    ['{ id: a, type: INT, max: "3" }', 'inputs[0].max: expected a number'],
    ['{ id: a, type: INT, min: 5, max: 1 }', 'inputs[0].min: is greater than max'],
    ['{ id: a, type: INT, max: 1, defaults: 2 }', 'inputs[0].defaults: does not fit type INT: expected at most 1'],
    ['{ id: a, type: DATE, after: "01/01/2023" }', 'inputs[0].after: is not a valid DATE value'],
    ['{ id: a, type: EMAIL, prefill: nope }', 'inputs[0].prefill: does not fit type EMAIL'],
    ['{ id: a, type: STRING, defaults: x, prefill: y }', "inputs[0].prefill: use 'defaults' or 'prefill', not both"],
    ['{ id: a, type: DATES }', 'unknown input type'],
    [
      '{ id: a, type: FILE, prefill: /etc/hosts }',
      "inputs[0].prefill: no 'prefill' can be set for inputs of type FILE",
    ],
  ])('%s', (input, message) => {
    expect(errorOf(flow(input))).toContain(message);
  });
});

describe('Kestra FlowTest.inputValidation', () => {
  // core/src/test/java/io/kestra/core/models/flows/FlowTest.java (inputValidation) with
  // core/src/test/resources/flows/invalids/inputs-validation.yaml, copied verbatim into ./kestra:
  // two violations, "file: no `defaults` can be set for inputs of type 'FILE'" and
  // "array: `itemType` cannot be `ARRAY`".
  it('refuses a FILE default and an ARRAY of ARRAY', async () => {
    const text = await readFile(join(import.meta.dirname, 'kestra', 'inputs-validation.yaml'), 'utf8');
    const message = errorOf(text) ?? '';
    expect(message).toContain("inputs[0].defaults: no 'defaults' can be set for inputs of type FILE");
    expect(message).toContain('inputs[1].itemType: cannot be ARRAY');
  });
});
