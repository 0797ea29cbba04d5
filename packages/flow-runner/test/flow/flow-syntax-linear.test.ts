import { describe, expect, it } from 'vitest';
import { detectFlowSyntax } from '../../src/flow/flow-syntax.js';

// Review of issue 26 (N8): the syntax detection ran lazy regular expressions retried from every opening,
// so 900 KB of `<< ` without a closing took up to a minute to validate. It is a linear scan now.

const OLD_PEBBLE = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/;
const OLD_CREDFLOW = /<<-?\s[\s\S]*?>>|<%-?\s[\s\S]*?%>/;
const old = (s: string) => (OLD_PEBBLE.test(s) ? 'pebble' : OLD_CREDFLOW.test(s) ? 'credflow' : undefined);
const ours = (s: string) => {
  try {
    return detectFlowSyntax({ v: s }, () => 1, 'f.yaml');
  } catch {
    return 'mixed';
  }
};

describe('detectFlowSyntax', () => {
  it('decides as the regular expressions did, on random texts of delimiter pieces', () => {
    const pieces = ['<<', '>>', '<%', '%>', '{{', '}}', '{%', '%}', ' ', '-', 'x', '\n', '<', '>', '{', '}', '%'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 5000; n++) {
      const s = Array.from({ length: 1 + (next() % 12) }, () => pieces[next() % pieces.length]).join('');
      const both = OLD_PEBBLE.test(s) && OLD_CREDFLOW.test(s);
      expect(ours(s), JSON.stringify(s)).toBe(both ? 'mixed' : old(s));
    }
  });

  // A complexity guard: linear, 1 MB takes milliseconds; the old expressions needed tens of seconds.
  it('reads a megabyte of openings without a closing in linear time', { timeout: 10_000 }, () => {
    for (const open of ['<< ', '<% ', '{{', '{%']) {
      expect(ours(open.repeat(300_000))).toBeUndefined();
      expect(
        ours(`${open.repeat(300_000)}${open.startsWith('<') ? open[1]?.replace('<', '>').replace('%', '%') : ''}`),
      );
    }
    expect(ours(`${'<< '.repeat(300_000)}>>`)).toBe('credflow');
    expect(ours(`${'{{'.repeat(300_000)}}}`)).toBe('pebble');
  });
});
