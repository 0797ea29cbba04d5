/**
 * Pebble's `numberFormat` filter as Kestra has it: the test method of
 * kestra-io/kestra (commit 58c1ca2d0)
 * core/src/test/java/io/kestra/core/runners/pebble/PebbleVariableRendererTest.java#numberFormat
 * ported verbatim, the example of Kestra's documentation, and the output
 * compared with Java's own `DecimalFormat` (`Locale.US`): fixtures/java-decimal-format.json
 * holds [pattern, number, what Java 17 printed] (null pattern: `NumberFormat.getInstance(Locale.US)`).
 * One case is left out: Java 17 prints 1e21 * 100 as 9.999999999999999E22
 * (JDK-4511638, fixed in Java 19; Kestra runs on Java 21, which prints 1.0E23).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numberFormatFilter } from '../../src/stdlib/number-format.js';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

describe('numberFormat', () => {
  it('PebbleVariableRendererTest#numberFormat', async () => {
    expect(await renderPebble('{{ var | numberFormat("#.##") }}', { var: 1.232654 })).toContain('1.23');
  });

  it('kestra-io/docs 03.filters/02.collections (numberFormat)', async () => {
    expect(await renderWith('<< 3.141592653 | numberFormat("#.##") >>')).toBe('3.14');
  });

  const cases = JSON.parse(readFileSync(new URL('./fixtures/java-decimal-format.json', import.meta.url), 'utf8')) as [
    string | null,
    number,
    string,
  ][];
  it(`prints what java.text.DecimalFormat prints (${cases.length} cases)`, () => {
    const wrong = cases
      .map(([pattern, value, expected]) => [
        pattern,
        value,
        expected,
        pattern === null ? numberFormatFilter(value) : numberFormatFilter(value, pattern),
      ])
      .filter(([, , expected, got]) => got !== expected);
    expect(wrong).toEqual([]);
  });

  it('gives null for null, refuses text, scientific and currency patterns', async () => {
    expect(await renderPebble('{{ none | numberFormat("#") is null }}')).toBe('true');
    expect(await pebbleError('{{ "1" | numberFormat("#") }}')).toContain(
      "filter 'numberFormat': the input has to be a number",
    );
    expect(await pebbleError('{{ 1 | numberFormat("0.0E0") }}')).toContain('scientific notation');
    expect(await renderPebble('{{ 1234.5 | numberformat }}')).toBe('1,234.5');
  });
});
