import { setTimeout as sleep } from 'node:timers/promises';

/** The longest single timer Node runs (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` milliseconds, however long (Sleep and Pause take any ISO-8601
 * duration, a retry any interval), in timers of at most
 * {@link MAX_TIMER_MS}; rejects with the abort reason when `signal` aborts.
 */
export async function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  for (let left = ms; left > 0; left -= MAX_TIMER_MS) {
    await sleep(Math.min(left, MAX_TIMER_MS), undefined, signal ? { signal } : {});
  }
}

/**
 * Calls `fn` once `ms` milliseconds have passed, however long (a task's
 * `timeout`, a request's), in timers of at most {@link MAX_TIMER_MS};
 * returns the function that cancels it.
 */
export function afterMs(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(left, MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}
