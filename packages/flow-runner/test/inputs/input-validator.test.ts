import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/load-flow.js';
import { coerceInput } from '../../src/inputs/input-types.js';
import { InputError, resolveInputs } from '../../src/inputs/resolve-inputs.js';

// Issue 28: STRING `validator`, a regular expression the whole value must match (Kestra:
// StringInput.validate, `Pattern.matches`). The flow author's pattern runs on RE2 (re2js), in
// linear time, never on JavaScript's RegExp.

describe('STRING validator', () => {
  // Kestra core/src/test/java/io/kestra/core/runners/InputsTest.java (allValidInputs,
  // inputValidatedStringBadValue) with flows/valids/inputs.yaml: validatedString, validator A\d+.
  it('accepts a value the whole of which matches (InputsTest: "A123")', () => {
    expect(coerceInput('STRING', 'A123', { validator: 'A\\d+' })).toBe('A123');
  });

  it.each(['foo', 'A123x', 'xA123', ''])('refuses %j (InputsTest.inputValidatedStringBadValue: "foo")', (value) => {
    expect(() => coerceInput('STRING', value, { validator: 'A\\d+' })).toThrow(
      'expected text matching the validator A\\d+ (the value is not shown)',
    );
  });

  it('names the input and never quotes a SECRET-looking value', () => {
    const secret = 'not-matching-secret-value-1234567890';
    const err = (() => {
      try {
        resolveInputs([{ id: 'code', type: 'STRING', validator: '[a-z]+' }], { code: secret });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err?.message).toBe(
      "input 'code' (STRING): expected text matching the validator [a-z]+ (the value is not shown)",
    );
    expect(err?.message).not.toContain(secret);
  });

  it('runs a pattern that backtracks exponentially on RegExp in linear time', () => {
    const started = Date.now();
    expect(() => coerceInput('STRING', `${'a'.repeat(5000)}!`, { validator: '(a+)+$' })).toThrow(
      'expected text matching the validator',
    );
    expect(Date.now() - started).toBeLessThan(2000);
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

  it.each([
    [
      '{ id: a, type: STRING, validator: "(a)\\\\1" }',
      'inputs[0].validator: the validator is not a regular expression RE2 can run',
    ],
    [
      '{ id: a, type: STRING, validator: "(?=a)a" }',
      'inputs[0].validator: the validator is not a regular expression RE2 can run',
    ],
    [
      '{ id: a, type: STRING, validator: "(" }',
      'inputs[0].validator: the validator is not a regular expression RE2 can run',
    ],
    [
      `{ id: a, type: STRING, validator: "${'a'.repeat(501)}" }`,
      'inputs[0].validator: the validator is longer than 500',
    ],
    ['{ id: a, type: INT, validator: "a" }', 'inputs[0].validator: only for inputs of type STRING'],
    [
      '{ id: a, type: STRING, validator: "A\\\\d+", defaults: foo }',
      'inputs[0].defaults: does not fit type STRING: expected text matching the validator',
    ],
  ])('validate refuses %s', (input, message) => {
    expect(errorOf(flow(input))).toContain(message);
  });

  it('validate accepts a good validator and default', () => {
    expect(errorOf(flow('{ id: a, type: STRING, validator: "A\\\\d+", defaults: A1 }'))).toBeUndefined();
  });
});
