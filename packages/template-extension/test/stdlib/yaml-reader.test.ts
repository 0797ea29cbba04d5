import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAX_ION_TEXT, parseIon } from '../../src/stdlib/ion-reader.js';
import { toPlainData } from '../../src/stdlib/plain-data.js';
import { MAX_JSON_TEXT, MAX_YAML_TEXT, parseYaml } from '../../src/stdlib/yaml-reader.js';

/** What the `yaml` package itself reads (the path every text took before JSON was read as JSON). */
const asYaml = (text: string) => toPlainData(parse(text, { uniqueKeys: false, maxAliasCount: 100 }));

describe('yaml() on large texts (issue 26, D6)', () => {
  it('reads a JSON object or list as the yaml package reads it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue())),
        fc.boolean(),
        (value, pretty) => {
          const text = JSON.stringify(value, null, pretty ? 2 : undefined);
          expect(parseYaml(text)).toEqual(asYaml(text));
        },
      ),
    );
    for (const text of [
      '{"a": 1, "a": 2}',
      '[1e3, -0.5, 12345678901234567890, "\\u00e9\\n"]',
      ' \n{"__proto__": {"x": 1}}',
    ]) {
      expect(parseYaml(text)).toEqual(asYaml(text));
    }
  });

  it(`refuses YAML longer than ${MAX_YAML_TEXT} characters before parsing; JSON text up to ${MAX_JSON_TEXT} is read at once`, () => {
    const block = 'k: v\n'.repeat(MAX_YAML_TEXT / 5 + 1);
    expect(() => parseYaml(block)).toThrow(`the text is longer than ${MAX_YAML_TEXT} characters`);
    const items = Array.from({ length: 120_000 }, (_, i) => ({ id: i, name: `item-${i}-${'x'.repeat(40)}` }));
    const json = JSON.stringify({ items });
    expect(json.length).toBeGreaterThan(8_000_000);
    expect((parseYaml(json) as { items: unknown[] }).items).toHaveLength(120_000);
  });

  it(`fromIon refuses a text longer than ${MAX_ION_TEXT} characters before parsing`, () => {
    expect(() => parseIon(`[${'1,'.repeat(MAX_ION_TEXT / 2)}1]`)).toThrow(
      `the text is longer than ${MAX_ION_TEXT} characters`,
    );
  });
});
