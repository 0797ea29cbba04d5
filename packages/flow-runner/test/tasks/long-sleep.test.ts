import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterMs, sleepFor } from '../../src/tasks/long-sleep.js';

// Sleep and Pause take any ISO-8601 duration; Node's timers fire after 1 ms (with a
// TimeoutOverflowWarning) past 2^31 - 1 ms, so a 30-day Pause ended at once (review of issue 26).
describe('sleepFor', () => {
  it('waits past 24.8 days instead of firing at once, and stops on abort', async () => {
    const controller = new AbortController();
    const long = sleepFor(30 * 24 * 3600 * 1000, controller.signal).then(
      () => 'slept',
      (err: Error) => err.name,
    );
    expect(await Promise.race([long, sleep(100).then(() => 'still waiting')])).toBe('still waiting');
    controller.abort();
    expect(await long).toBe('AbortError');
  });

  it('waits a short duration as a timer does', async () => {
    const started = performance.now();
    await sleepFor(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});

describe('afterMs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls back once a 30-day span has passed, not before, and can be cancelled', () => {
    vi.useFakeTimers();
    const day = 24 * 3600 * 1000;
    const fired: number[] = [];
    afterMs(30 * day, () => fired.push(Date.now()));
    const cancel = afterMs(30 * day, () => fired.push(-1));
    const start = Date.now();
    vi.advanceTimersByTime(30 * day - 1);
    expect(fired).toEqual([]);
    cancel();
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([start + 30 * day]);
    vi.advanceTimersByTime(60 * day);
    expect(fired).toHaveLength(1);
  });
});
