import { setTimeout as sleep } from 'node:timers/promises';

/** The longest single timer Node runs (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` milliseconds, however long (Sleep and Pause take any ISO-8601
 * duration), in timers of at most {@link MAX_TIMER_MS}; rejects with the
 * abort reason when `signal` aborts.
 */
export async function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  for (let left = ms; left > 0; left -= MAX_TIMER_MS) {
    await sleep(Math.min(left, MAX_TIMER_MS), undefined, signal ? { signal } : {});
  }
}
