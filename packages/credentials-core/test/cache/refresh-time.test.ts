import { describe, expect, it } from 'vitest';
import { refreshDueAt, refreshMarginMs } from '../../src/cache/refresh-time.js';

describe('refresh time: min(refreshBeforeExpiry, half the lifetime)', () => {
  it('keeps a margin below half the lifetime', () => {
    expect(refreshMarginMs(20_000, 60_000)).toBe(20_000);
    expect(refreshMarginMs(0, 60_000)).toBe(0);
  });

  it('caps a margin between half the lifetime and the lifetime at half the lifetime', () => {
    expect(refreshMarginMs(30_000, 60_000)).toBe(30_000);
    expect(refreshMarginMs(30_001, 60_000)).toBe(30_000);
    expect(refreshMarginMs(50_000, 60_000)).toBe(30_000);
    expect(refreshMarginMs(59_999, 60_000)).toBe(30_000);
  });

  it('caps a margin at least as long as the lifetime at half the lifetime', () => {
    expect(refreshMarginMs(60_000, 60_000)).toBe(30_000);
    expect(refreshMarginMs(3_600_000, 60_000)).toBe(30_000);
  });

  it('dates the refresh from the expiry: never before half-way through the lifetime', () => {
    const token = { expiresAtMono: 1_060_000, expiresIn: 60 };
    expect(refreshDueAt(token, 20_000)).toBe(1_040_000);
    expect(refreshDueAt(token, 50_000)).toBe(1_030_000);
    expect(refreshDueAt(token, 120_000)).toBe(1_030_000);
  });
});
