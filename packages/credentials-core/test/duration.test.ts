import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each([
    ['PT1M', 60_000],
    ['PT30S', 30_000],
    ['P1D', 86_400_000],
    ['PT1H30M', 5_400_000],
    ['PT0.5S', 500],
    ['P1W', 604_800_000],
    ['P1DT1S', 86_401_000],
    ['pt2m', 120_000],
    ['PT0S', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '1M', 'P1Y', 'P1M', 'PT-1S', 'PT1M ago', '60', 'P1DT'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'PT0S'],
    [60_000, 'PT1M'],
    [90_000, 'PT1M30S'],
    [86_400_000 + 3_600_000, 'P1DT1H'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
