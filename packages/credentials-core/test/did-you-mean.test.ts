import { describe, expect, it } from 'vitest';
import { didYouMean } from '../src/did-you-mean.js';
import { parseConfig } from '../src/load-config.js';

describe('didYouMean', () => {
  it('suggests the closest name for typos, swaps and case, and nothing when none is close', () => {
    expect(didYouMean('tokenEndpiont', ['tokenEndpoint', 'clientId'])).toBe(" (did you mean 'tokenEndpoint'?)");
    expect(didYouMean('clientID', ['clientId', 'clientSecret'])).toBe(" (did you mean 'clientId'?)");
    expect(didYouMean('dott', ['dot', 'gh'])).toBe(" (did you mean 'dot'?)");
    expect(didYouMean('rn', ['run', 'ui'])).toBe(" (did you mean 'run'?)");
    expect(didYouMean('bogus', ['run', 'validate', 'credentials', 'ui'])).toBe('');
    expect(didYouMean('run', ['run'])).toBe('');
  });

  it('names the field a config typo meant', () => {
    const err = (() => {
      try {
        parseConfig(
          'credentials:\n  x:\n    type: client_credentials\n    tokenEndpiont: https://x.example/t\n    clientID: a\n    clientSecret: { secret: A }\n',
          { file: 'c.yaml' },
        );
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain(
      "c.yaml:4: credentials.x.tokenEndpiont: unknown field 'tokenEndpiont' (did you mean 'tokenEndpoint'?)",
    );
    expect(err?.message).toContain(
      "c.yaml:5: credentials.x.clientID: unknown field 'clientID' (did you mean 'clientId'?)",
    );
  });
});
