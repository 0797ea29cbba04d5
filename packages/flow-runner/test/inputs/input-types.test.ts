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
  ] as const)('%s %j', (type, value, expected) => {
    expect(coerceInput(type, value)).toEqual(expected);
  });

  it.each([
    ['INT', '4.2', "'4.2' is not an integer"],
    ['INT', '', "'' is not an integer"],
    ['FLOAT', 'x', "'x' is not a number"],
    ['BOOLEAN', 'yes', "'yes' is not true or false"],
    ['JSON', '{', "'{' is not valid JSON"],
    ['URI', 'not a uri', "'not a uri' is not an absolute URI"],
  ] as const)('refuses %s %j', (type, value, message) => {
    expect(() => coerceInput(type, value)).toThrow(message);
  });

  it('never quotes a SECRET value', () => {
    expect(() => coerceInput('SECRET', { x: 1 })).toThrow('expected text, got object');
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
        "unknown input 'zz' (the flow declares: a, b, c); input 'a' (INT): 'x' is not an integer; input 'b' (STRING) is required",
      ),
    );
  });
});
