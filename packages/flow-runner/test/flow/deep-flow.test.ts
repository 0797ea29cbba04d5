import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/load-flow.js';
import { FlowError } from '../../src/index.js';

const HEAD = 'id: f\nnamespace: a.b\ntasks:\n  - { id: t, type: io.kestra.plugin.core.log.Log, message: hi }\n';

function flowError(text: string): FlowError {
  try {
    parseFlow(text, 'f.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected a FlowError');
}

describe('parseFlow and deep YAML', () => {
  it('refuses variables nested 3,000 levels deep with a located flow error', () => {
    const deep = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 2)}k:`).join('\n');
    const err = flowError(`${HEAD}variables:\n${deep} 1\n`);
    expect(err.code).toBe('ERR_FLOW_INVALID');
    // The top mapping is level 1; the mapping under `variables:` (line 6) is level 2, so level 101 is on line 105.
    expect(err.message).toBe(
      'f.yaml:105: YAML nested more than 100 levels deep (mappings and lists inside each other): credflow reads at most 100',
    );
  });

  it('refuses a 3,000-level flow list in a task', () => {
    const err = flowError(`${HEAD}outputs:\n  - id: o\n    value: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    expect(err.issues[0]?.line).toBe(7);
    expect(err.message).not.toMatch(/call stack/);
  });

  it('still reads flows with ordinary nesting', () => {
    const nested = `${HEAD}variables:\n  a: { b: { c: [1, [2, [3, { d: e }]]] } }\n`;
    expect(parseFlow(nested, 'f.yaml').variables).toEqual({ a: { b: { c: [1, [2, [3, { d: 'e' }]]] } } });
  });
});
