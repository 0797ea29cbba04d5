import { describe, expect, it } from 'vitest';
import { LookupMemo } from '../../src/store/lookup-memo.js';

describe('LookupMemo', () => {
  it('keeps a lookup in use while unrelated ones fill it; forgets the least recently used, never all at once', () => {
    const memo = new LookupMemo<string>(100);
    memo.set('main', 'company.team', 'api', 'binding-api');
    for (let i = 0; i < 1000; i++) {
      memo.set('main', `ns${i}`, 'k', `b${i}`);
      if (i % 10 === 0) memo.touch('main', 'company.team', 'api');
      expect(memo.size).toBeLessThanOrEqual(100);
      expect(memo.get('main', 'company.team', 'api')).toBe('binding-api');
    }
    expect(memo.get('main', 'ns0', 'k')).toBeUndefined();
    expect(memo.get('main', 'ns999', 'k')).toBe('b999');
    expect(memo.size).toBe(100);
  });

  it('replacing a lookup keeps one entry for it', () => {
    const memo = new LookupMemo<string>(10);
    memo.set('t', '', 'k', 'one');
    memo.set('t', '', 'k', 'two');
    expect(memo.get('t', '', 'k')).toBe('two');
    expect(memo.size).toBe(1);
  });
});
