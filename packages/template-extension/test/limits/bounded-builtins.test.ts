import fc from 'fast-check';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { BOUNDED_FILTERS } from '../../src/limits/bounded-builtins.js';

type Filter = (this: unknown, ...args: unknown[]) => unknown;
const original = new nunjucks.Environment().getFilter('center') as unknown as Filter;
const center = BOUNDED_FILTERS.center!(original);

describe('center', () => {
  it("pads as nunjucks' own center does (odd, even, fractional and text widths, texts longer than the width)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.oneof(
          fc.integer({ min: -5, max: 90 }),
          fc.double({ min: -5, max: 90, noNaN: true }),
          fc.integer({ min: 0, max: 90 }).map(String),
          fc.constantFrom(undefined, null, 0, ''),
        ),
        (text, width) => {
          expect(center.call(undefined, text, width)).toBe(original.call(undefined, text, width));
        },
      ),
    );
  });

  it('keeps what is not a plain string to nunjucks (a SafeString stays safe, a number is padded as nunjucks pads it)', () => {
    const safe = new nunjucks.runtime.SafeString('ab');
    const out = center.call(undefined, safe, 6);
    expect(out).toBeInstanceOf(nunjucks.runtime.SafeString);
    expect(String(out)).toBe('  ab  ');
    expect(center.call(undefined, 12, 6)).toBe(original.call(undefined, 12, 6));
  });

  it('refuses a width past the render limit before padding', () => {
    expect(() => center.call(undefined, 'x', 900_000_000)).toThrow(/maxOutputBytes/);
  });
});
