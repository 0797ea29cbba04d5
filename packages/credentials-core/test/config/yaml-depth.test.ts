import { describe, expect, it } from 'vitest';
import { findTooDeep, MAX_YAML_DEPTH } from '../../src/config/yaml-depth.js';
import { readYaml } from '../../src/config/yaml-source.js';
import { configError } from '../helpers/config-error.js';

const blockMaps = (n: number, indent = 0) =>
  `${Array.from({ length: n }, (_, i) => `${' '.repeat(indent + i)}k:`).join('\n')} 1\n`;
const flowSeqs = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

const TOO_DEEP = `YAML nested more than ${MAX_YAML_DEPTH} levels deep (mappings and lists inside each other): credflow reads at most ${MAX_YAML_DEPTH}`;

describe('YAML nesting limit', () => {
  it('refuses a credflow.yaml nested 3,000 levels deep with a located error, not a stack overflow', () => {
    const text = `credentials:\n  a:\n    type: client_credentials\n    extraParams:\n${blockMaps(3000, 6)}`;
    const err = configError(text);
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    // Levels: the top mapping (line 1), `credentials:` (2), `a:` (3), then one per line from line 5: level 101 is on line 102.
    expect(err.issues).toEqual([{ path: '', line: 102, message: TOO_DEEP }]);
    expect(err.message).toBe(`credflow.yaml:102: ${TOO_DEEP}`);
    expect(err.message).not.toMatch(/call stack/);
  });

  it.each([
    ['flow lists', `credentials: ${flowSeqs(3000)}\n`],
    ['flow mappings', `credentials: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`],
    ['compact lists', `credentials:\n  ${'- '.repeat(3000)}1\n`],
    ['a 100,000-level flow list', `x: ${flowSeqs(100_000)}\n`],
  ])('refuses deep %s on the line where the limit is passed', (_name, text) => {
    const err = configError(text);
    expect(err.issues).toEqual([{ path: '', line: text.startsWith('credentials:\n') ? 2 : 1, message: TOO_DEEP }]);
  });

  it('reads exactly the limit, refuses one level more', () => {
    expect(findTooDeep(`a: ${flowSeqs(MAX_YAML_DEPTH - 1)}`)).toBeUndefined();
    expect(findTooDeep(`a: ${flowSeqs(MAX_YAML_DEPTH)}`)).toBe(3 + MAX_YAML_DEPTH - 1);
    expect(readYaml(blockMaps(MAX_YAML_DEPTH), 'f.yaml').data).toBeTruthy();
    expect(() => readYaml(blockMaps(MAX_YAML_DEPTH + 1), 'f.yaml')).toThrow(
      `f.yaml:${MAX_YAML_DEPTH + 1}: ${TOO_DEEP}`,
    );
  });

  it('counts keys that are collections, and every document of a stream', () => {
    expect(findTooDeep(`? ${flowSeqs(MAX_YAML_DEPTH)}\n: 1\n`)).toBe(2 + MAX_YAML_DEPTH - 1);
    expect(findTooDeep(`a: 1\n---\nb: ${flowSeqs(MAX_YAML_DEPTH)}\n`)).toBeDefined();
  });
});
