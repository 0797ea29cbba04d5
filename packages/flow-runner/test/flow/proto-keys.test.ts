import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/load-flow.js';
import { FlowError } from '../../src/index.js';

describe('parseFlow and __proto__ keys', () => {
  it('refuses a __proto__ key (its value would vanish) with a located flow error', () => {
    const text =
      'id: f\nnamespace: a.b\nvariables:\n  __proto__: { polluted: true }\ntasks:\n  - { id: t, type: io.kestra.plugin.core.log.Log, message: hi }\n';
    let err: unknown;
    try {
      parseFlow(text, 'f.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).code).toBe('ERR_FLOW_INVALID');
    expect((err as FlowError).message).toBe(
      "f.yaml:4: variables.__proto__: '__proto__' cannot be used as a key: its value would be silently lost (a reserved name)",
    );
  });
});
