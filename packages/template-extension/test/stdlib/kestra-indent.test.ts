/**
 * Kestra's `indent` and `nindent` filters: the test methods of
 * kestra-io/kestra (commit 58c1ca2d0)
 * core/src/test/java/io/kestra/core/runners/pebble/filters/IndentFilterTest.java and
 * NindentFilterTest.java, ported verbatim (same template, same expected
 * output; Java's `System.lineSeparator()` is `\n` on the Linux hosts Kestra
 * runs on). Kestra's `emptyOrNullString()` is an empty render here.
 */
import { describe, expect, it } from 'vitest';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

const NL = '\n'; // System.lineSeparator()

describe('IndentFilterTest', () => {
  it('IndentFilterTest#indentNull', async () => {
    expect(await renderPebble('{{ null | indent(2) }}')).toBe('');
  });
  it('IndentFilterTest#indentEmpty', async () => {
    expect(await renderPebble("{{ '' | indent(2) }}")).toBe('');
  });
  it('IndentFilterTest#indentEmptyLines', async () => {
    expect(await renderPebble('{{ "\n\n" | indent(2) }}')).toBe('\n  \n  ');
  });
  it('IndentFilterTest#indentString', async () => {
    expect(await renderPebble("{{ 'string' | indent(2) }}")).toBe('string');
  });
  it('IndentFilterTest#indentInteger', async () => {
    expect(await renderPebble('{{ 1 | indent(2) }}')).toBe('1');
  });
  it('IndentFilterTest#indentStringWithCRLF', async () => {
    expect(await renderPebble('{{ "first line\r\nsecond line" | indent(2) }}')).toBe('first line\r\n  second line');
  });
  it('IndentFilterTest#indentStringWithLF', async () => {
    expect(await renderPebble('{{ "first line\nsecond line" | indent(2) }}')).toBe('first line\n  second line');
  });
  it('IndentFilterTest#indentStringWithCR', async () => {
    expect(await renderPebble('{{ "first line\rsecond line" | indent(2) }}')).toBe('first line\r  second line');
  });
  it('IndentFilterTest#indentStringWithSystemNewLine', async () => {
    expect(await renderPebble(`{{ "first line${NL}second line" | indent(2) }}`)).toBe(`first line${NL}  second line`);
  });
  it('IndentFilterTest#indentWithTab', async () => {
    expect(await renderPebble('{{ "first line\nsecond line" | indent(2, "\t") }}')).toBe('first line\n\t\tsecond line');
  });
});

describe('NindentFilterTest', () => {
  it('NindentFilterTest#nindentNull', async () => {
    expect(await renderPebble('{{ null | nindent(2) }}')).toBe('');
  });
  it('NindentFilterTest#nindentEmpty', async () => {
    expect(await renderPebble("{{ '' | nindent(2) }}")).toBe('');
  });
  it('NindentFilterTest#nindentEmptyLines', async () => {
    expect(await renderPebble('{{ "\n\n" | nindent(2) }}')).toBe('\n  \n  \n  ');
  });
  it('NindentFilterTest#nindentString', async () => {
    expect(await renderPebble("{{ 'string' | nindent(2) }}")).toBe('\n  string');
  });
  it('NindentFilterTest#nindentInteger', async () => {
    expect(await renderPebble('{{ 1 | nindent(2) }}')).toBe('\n  1');
  });
  it('NindentFilterTest#nindentStringWithCRLF', async () => {
    expect(await renderPebble('{{ "first line\r\nsecond line" | nindent(2) }}')).toBe(
      '\r\n  first line\r\n  second line',
    );
  });
  it('NindentFilterTest#nindentStringWithLF', async () => {
    expect(await renderPebble('{{ "first line\nsecond line" | nindent(2) }}')).toBe('\n  first line\n  second line');
  });
  it('NindentFilterTest#nindentStringWithCR', async () => {
    expect(await renderPebble('{{ "first line\rsecond line" | nindent(2) }}')).toBe('\r  first line\r  second line');
  });
  it('NindentFilterTest#nindentStringWithSystemNewLine', async () => {
    expect(await renderPebble(`{{ "first line${NL}second line" | nindent(2) }}`)).toBe(
      `${NL}  first line${NL}  second line`,
    );
  });
  it('NindentFilterTest#nindentWithTab', async () => {
    expect(await renderPebble('{{ "first line\nsecond line" | nindent(2, "\t") }}')).toBe(
      '\n\t\tfirst line\n\t\tsecond line',
    );
  });
});

describe('indent and nindent in credflow', () => {
  it('work the same with << >>, by keyword too', async () => {
    expect(await renderWith('<< text | nindent(amount=4, prefix="-") >>', { text: 'a\nb' })).toBe('\n----a\n----b');
    expect(await renderWith('<< "key: value" | nindent(2) >>')).toBe('\n  key: value');
  });

  it('refuse a missing or negative amount, and a boolean prefix (nunjucks indent(width, first))', async () => {
    expect(await pebbleError("{{ 'a' | indent }}")).toContain(
      "filter 'indent': expects an integer as argument 'amount'",
    );
    expect(await pebbleError("{{ 'a' | nindent(-1) }}")).toContain(
      "filter 'nindent': expects a positive integer >=0 as argument 'amount'",
    );
    expect(await pebbleError("{{ 'a\nb' | indent(2, true) }}")).toContain("argument 'prefix' must be text");
  });

  it('are bounded by the render limits before building anything', async () => {
    expect(await pebbleError("{{ 'x' | indent(900000000) }}")).toContain('maxOutputBytes');
    expect(await pebbleError("{{ 'a\nb' | nindent(5000000, 'ab') }}")).toContain('maxOutputBytes');
  });
});
