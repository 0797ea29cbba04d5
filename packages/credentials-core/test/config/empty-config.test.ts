import { describe, expect, it } from 'vitest';
import { emptyConfig } from '../../src/config/empty-config.js';
import { parseConfig } from '../../src/load-config.js';

describe('emptyConfig', () => {
  it('is what an empty credflow.yaml parses to', () => {
    for (const text of ['', '# nothing\n', '{}\n']) {
      expect(emptyConfig('(none)', '/some/dir')).toStrictEqual(
        parseConfig(text, { file: '(none)', baseDir: '/some/dir' }),
      );
    }
  });

  it('gives each call its own lists, so one store cannot change another', () => {
    const a = emptyConfig('a', '/');
    a.tenants.get('main')?.secrets.push({ type: 'file', dir: '/x' });
    a.secrets.length = 0;
    expect(emptyConfig('a', '/')).toStrictEqual(parseConfig('', { file: 'a', baseDir: '/' }));
  });
});
