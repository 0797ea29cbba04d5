import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseConfig } from '../../src/load-config.js';

/** The ConfigError that parsing `text` (as `credflow.yaml`) throws; fails the test when it throws none or another. */
export function configError(text: string): ConfigError {
  try {
    parseConfig(text, { file: 'credflow.yaml' });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
