/**
 * Kestra's collection filters and functions `chunk`, `flatten`, `distinct`,
 * `merge`, `rsort`, `max`, `min`: the test methods of kestra-io/kestra
 * (commit 58c1ca2d0) core/src/test/java/io/kestra/core/runners/pebble/filters/ChunkFilterTest.java
 * and FlattenFilterTest.java ported verbatim, and the examples of Kestra's
 * documentation (kestra-io/docs src/contents/docs/expressions/03.filters/02.collections/index.mdx,
 * "Example with Functions" of 99.full-reference/index.md) for those without a Kestra test.
 */
import { describe, expect, it } from 'vitest';
import { pebbleError, renderPebble, renderWith } from './stdlib-env.js';

const DOCS = 'kestra-io/docs src/contents/docs/expressions/03.filters/02.collections/index.mdx';

describe('ChunkFilterTest', () => {
  it('ChunkFilterTest#out', async () => {
    const vars = { list: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
    expect(await renderPebble('{{ list | chunk(2) }}', vars)).toBe('[[1,2],[3,4],[5,6],[7,8],[9]]');
  });
  it('ChunkFilterTest#exception', async () => {
    expect(await pebbleError('{{ test | chunk(2) }}', { test: 1 })).toContain(
      "filter 'chunk': can only be applied to a list, not a number",
    );
  });
  it(`${DOCS} (chunk)`, async () => {
    expect(await renderWith('<< [1, 2, 3, 4, 5] | chunk(2) >>')).toBe('[[1,2],[3,4],[5]]');
  });
  it('refuses a size that is not a positive integer', async () => {
    expect(await pebbleError('{{ [1] | chunk(0) }}')).toContain("argument 'size' must be a positive integer");
    expect(await pebbleError('{{ [1] | chunk }}')).toContain("expects an argument 'size'");
  });
});

describe('FlattenFilterTest', () => {
  it('FlattenFilterTest#flatten', async () => {
    const vars = {
      nestedList: [
        "You're doing great! Keep it up!",
        'Sending positive vibes your way!',
        ["You're awesome!", 'Keep shining!'],
        'Believe in yourself!',
        ["You're making a difference!", "You've got this!"],
        "You're capable of amazing things!",
        'Stay positive and keep going!',
        "You're doing fantastic!",
      ],
    };
    expect(await renderPebble('{{ nestedList | flatten | first }}', vars)).toBe("You're doing great! Keep it up!");
  });
  it(`${DOCS} (flatten)`, async () => {
    expect(await renderPebble('{{ [[1, 2], [3, 4], [5]] | flatten }}')).toBe('[1,2,3,4,5]');
    expect(await renderPebble('{{ [[1, [2]], 3] | flatten }}')).toBe('[1,[2],3]');
    expect(await pebbleError("{{ 'a' | flatten }}")).toContain("filter 'flatten': can only be applied to lists");
  });
});

describe('distinct', () => {
  it(`${DOCS} (distinct)`, async () => {
    expect(await renderPebble('{{ [1, 2, 2, 3, 1] | distinct }}')).toBe('[1,2,3]');
    expect(await renderPebble("{{ ['1', '1', '2', '3'] | distinct }}")).toBe('["1","2","3"]');
  });
  it('compares lists and maps by content, and keeps 1 apart from "1"', async () => {
    expect(await renderPebble("{{ [{'a': 1, 'b': 2}, {'b': 2, 'a': 1}, [1], [1], 1, '1'] | distinct }}")).toBe(
      '[{"a":1,"b":2},[1],1,"1"]',
    );
  });
});

describe('merge', () => {
  it(`${DOCS} (merge)`, async () => {
    expect(await renderPebble('{{ [1, 2] | merge([3, 4]) }}')).toBe('[1,2,3,4]');
  });
  it("follows Pebble's MergeFilter for maps, mixed kinds and null", async () => {
    expect(await renderPebble("{{ {'a': 1, 'b': 2} | merge({'b': 3, 'c': 4}) }}")).toBe('{"a":1,"b":3,"c":4}');
    expect(await renderPebble("{{ {'a': 1} | merge(['x']) }}")).toBe('{"a":1,"x":"x"}');
    expect(await renderPebble("{{ [1] | merge({'k': 'v'}) }}")).toBe('[1,{"k":"v"}]');
    expect(await renderPebble('{{ none | merge([1]) }}|{{ [1] | merge(none) }}')).toBe('[1]|[1]');
    expect(await pebbleError('{{ none | merge(none) }}')).toContain('the two arguments to be merged are null');
    expect(await pebbleError("{{ 'a' | merge([1]) }}")).toContain('the object being filtered is not a map or a list');
  });
});

describe('rsort', () => {
  it(`${DOCS} (sort and rsort)`, async () => {
    expect(await renderPebble('{{ [3, 1, 2] | rsort }}')).toBe('[3,2,1]');
  });
  it('sorts text by character code, and refuses mixed kinds', async () => {
    expect(await renderPebble("{{ ['b', 'C', 'a'] | rsort }}")).toBe('["b","a","C"]');
    expect(await pebbleError("{{ [1, 'a'] | rsort }}")).toContain("filter 'rsort': cannot compare");
  });
});

describe('max, min', () => {
  it('kestra-io/docs 99.full-reference/index.md "Example with Functions" (max)', async () => {
    expect(await renderPebble('Maximum value: {{ max(5, 10, 15) }}')).toBe('Maximum value: 15');
  });
  it("follow Pebble's MaxFunction/MinFunction", async () => {
    expect(await renderPebble('{{ min(5, 10, -15.5) }}|{{ max(1.5, 1) }}')).toBe('-15.5|1.5');
    expect(await renderWith("<< max('apple', 'pear') >>|<< min('apple', 'pear') >>")).toBe('pear|apple');
    expect(await renderPebble('{{ max() is null }}')).toBe('true');
    expect(await pebbleError("{{ max(1, 'a') }}")).toContain("function 'max': cannot compare");
  });
});
