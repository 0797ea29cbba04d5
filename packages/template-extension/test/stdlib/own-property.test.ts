import { describe, expect, it } from 'vitest';
import { setOwnProperty } from '../../src/stdlib/own-property.js';

describe('setOwnProperty', () => {
  it('makes __proto__ and names the prototype has own data properties, never reaching the prototype', () => {
    const out: Record<string, unknown> = {};
    setOwnProperty(out, '__proto__', { polluted: true });
    setOwnProperty(out, 'toString', 'text');
    setOwnProperty(out, 'a', 1);
    setOwnProperty(out, 'a', 2);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__', 'toString', 'a']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual({
      value: { polluted: true },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(out.toString).toBe('text');
    expect(out.a).toBe(2);
  });
});
