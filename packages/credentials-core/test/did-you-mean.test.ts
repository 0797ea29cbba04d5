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

  it('suggests what a full distance matrix would, on random names (the band is exact up to 3)', () => {
    // The oracle: the textbook optimal-string-alignment matrix, computed whole.
    const full = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) {
          const r = d[i] as number[];
          const p = d[i - 1] as number[];
          r[j] = Math.min(
            (p[j] as number) + 1,
            (r[j - 1] as number) + 1,
            (p[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
            r[j] = Math.min(r[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
      return (d[a.length] as number[])[b.length] as number;
    };
    const oracle = (name: string, candidates: string[]): string => {
      let best: string | undefined;
      let bestDistance = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
      for (const c of candidates) {
        if (c === name) return '';
        const d = full(name.toLowerCase(), c.toLowerCase());
        if (d <= bestDistance && (best === undefined || d < bestDistance)) {
          best = c;
          bestDistance = d;
        }
      }
      return best === undefined ? '' : ` (did you mean '${best}'?)`;
    };
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const word = (len: number) => Array.from({ length: len }, () => 'abcAB'[rand(5)]).join('');
    const mutate = (w: string) => {
      let s = w;
      for (let k = rand(5); k > 0; k--) {
        const at = rand(s.length + 1);
        const op = rand(4);
        if (op === 0) s = s.slice(0, at) + 'abc'[rand(3)] + s.slice(at);
        else if (op === 1) s = s.slice(0, at) + s.slice(at + 1);
        else if (op === 2) s = s.slice(0, at) + 'abc'[rand(3)] + s.slice(at + 1);
        else if (at + 1 < s.length) s = s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2);
      }
      return s;
    };
    for (let n = 0; n < 3000; n++) {
      const name = word(1 + rand(14));
      const candidates = Array.from({ length: 1 + rand(4) }, () => (rand(3) ? mutate(name) : word(1 + rand(14))));
      expect(didYouMean(name, candidates), `${name} among ${candidates.join(',')}`).toBe(oracle(name, candidates));
    }
  });

  it('costs no more than reading the names, however long or many (hostile flows: review rounds 5 and 6)', () => {
    const t0 = performance.now();
    // A name of 1,000 characters still gets its suggestion, among 1,000 candidates of the same length.
    const name = 'v'.repeat(1_000);
    const near = Array.from({ length: 1_000 }, (_, i) => `${'v'.repeat(996)}${String(i).padStart(4, 'x')}`);
    expect(didYouMean(`${name.slice(1)}w`, [...near, name])).toBe(` (did you mean '${name}'?)`);
    // Longer names get none, at once, however many candidates.
    const long = 'v'.repeat(1_000_000);
    expect(didYouMean(`${long.slice(1)}w`, Array<string>(100_000).fill(long))).toBe('');
    // A short name is not lower-cased against each long candidate.
    expect(didYouMean('vvvv', Array<string>(100_000).fill(long))).toBe('');
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
