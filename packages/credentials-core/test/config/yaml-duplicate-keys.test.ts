// Duplicate mapping keys (YAML 1.2: keys of a mapping are unique) are refused
// at their line, in linear time: yaml's own check compared each key with every
// earlier one, and a flow of 60,000 variables took minutes to read.

import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readYaml } from '../../src/config/yaml-source.js';
import { configError } from '../helpers/config-error.js';

const DUPLICATE = 'YAML syntax error: Map keys must be unique';

describe('duplicate YAML keys', () => {
  it('are refused at the line of the repeated key, nested and flow mappings too', () => {
    const text = 'a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\nc: {p: 1, p: 2}\n"a": 4\n';
    const err = configError(text);
    expect(err.issues.map((i) => [i.line, i.message.slice(0, DUPLICATE.length)])).toEqual([
      [5, DUPLICATE],
      [6, DUPLICATE],
      [7, DUPLICATE],
    ]);
  });

  it('are found as the yaml library finds them (scalars by value, 1 and "1" differ)', () => {
    const cases = ['a: 1\n"a": 2\n', "'1': a\n1: b\n", 'true: 1\n"true": 2\n', 'null: 1\n~: 2\n'];
    for (const text of cases) {
      const theirs = parseDocument(text, { uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY').length;
      let ours = 0;
      try {
        readYaml(text, 'f.yaml');
      } catch (err) {
        ours = (err as { issues: unknown[] }).issues.length;
      }
      expect(ours, text).toBe(theirs);
    }
  });

  // A complexity guard, not a speed target: 30,000 keys take about a second
  // here; yaml's pairwise check needs 450 million comparisons (over 30 s).
  it('a mapping of 30,000 keys is read in linear time (yaml alone: quadratic)', { timeout: 10_000 }, () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `v${i}: ${i}`);
    const data = readYaml(`${keys.join('\n')}\n`, 'f.yaml').data as Record<string, number>;
    expect(Object.keys(data)).toHaveLength(30_000);
    expect(() => readYaml(`${keys.join('\n')}\nv7: 1\n`, 'f.yaml')).toThrow(`f.yaml:30001: ${DUPLICATE}`);
  });
});
