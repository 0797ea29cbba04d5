import { describe, expect, it } from 'vitest';
import { coerceInput } from '../../src/inputs/input-types.js';
import { InputError, resolveInputs } from '../../src/inputs/resolve-inputs.js';

describe('coerceInput', () => {
  it.each([
    ['STRING', 'x', 'x'],
    ['INT', '42', 42],
    ['INT', -3, -3],
    ['FLOAT', '2.5', 2.5],
    ['BOOLEAN', 'true', true],
    ['BOOLEAN', false, false],
    ['JSON', '{"a":[1]}', { a: [1] }],
    ['URI', 'https://x.example/a?b=c', 'https://x.example/a?b=c'],
    ['SECRET', 's3cr3t', 's3cr3t'],
    ['DURATION', ' PT1S ', 'PT1S'],
    ['DURATION', 'P1DT2H', 'P1DT2H'],
  ] as const)('%s %j', (type, value, expected) => {
    expect(coerceInput(type, value)).toEqual(expected);
  });

  it.each([
    ['INT', '4.2', 'expected an integer between -9007199254740991 and 9007199254740991, such as 42'],
    ['INT', '', 'expected an integer'],
    ['INT', '9007199254740992', 'expected an integer'],
    ['FLOAT', 'x', 'expected a finite number, such as 2.5'],
    ['BOOLEAN', 'yes', 'expected true or false'],
    ['JSON', '{', 'expected valid JSON, such as {"a": 1} or [1, 2]'],
    ['URI', 'not a uri', 'expected an absolute URI, such as https://example.com/path'],
    ['URI', 42, 'expected an absolute URI, got a number'],
    ['STRING', ['x'], 'expected text, got a list'],
    ['DURATION', '1 second', 'expected an ISO-8601 duration, such as PT30S or P1D'],
    ['DURATION', 30, 'expected an ISO-8601 duration'],
  ] as const)('refuses %s %j, saying what is expected and not quoting the value', (type, value, message) => {
    expect(() => coerceInput(type, value)).toThrow(`${message}`);
    expect(() => coerceInput(type, value)).toThrow(/\(the value is not shown\)$/);
  });

  it('never quotes a SECRET value', () => {
    expect(() => coerceInput('SECRET', { x: 1 })).toThrow('expected text, got an object (the value is not shown)');
  });
});

describe('resolveInputs', () => {
  const declared = [
    { id: 'a', type: 'INT' as const, defaults: 1 },
    { id: 'b', type: 'STRING' as const },
    { id: 'c', type: 'STRING' as const, required: false },
  ];
  it('applies defaults and types', () => {
    expect(resolveInputs(declared, { b: 'x' })).toEqual({ a: 1, b: 'x', c: null });
    expect(resolveInputs(declared, { a: '7', b: 'x' })).toEqual({ a: 7, b: 'x', c: null });
  });
  it('reports every problem at once', () => {
    expect(() => resolveInputs(declared, { a: 'x', zz: '1' })).toThrow(
      new InputError(
        "unknown input 'zz' (the flow declares: a, b, c); input 'a' (INT): expected an integer between -9007199254740991 and 9007199254740991, such as 42 (the value is not shown); input 'b' (STRING) is required",
      ),
    );
  });
});
