import { parseDuration } from '@credflow/credentials-core/internal';
import type { Retry } from '../flow/task-properties.js';

const ms = (d: string | undefined): number => (d === undefined ? 0 : (parseDuration(d) ?? 0));

/** How many attempts a task gets in all (Kestra's `maxAttempt`; 1 without `retry`). */
export function maxAttempts(retry: Retry | undefined): number {
  if (!retry) return 1;
  return retry.maxAttempt ?? retry.maxAttempts ?? Number.POSITIVE_INFINITY;
}

/**
 * The wait before attempt `attempt + 1`, after `attempt` failed ones:
 * `constant` waits `interval`; `exponential` `interval × delayFactor^(attempt-1)`
 * (factor 2 by default) up to `maxInterval`; `random` between `minInterval`
 * and `maxInterval`.
 */
export function retryDelay(retry: Retry, attempt: number): number {
  switch (retry.type) {
    case 'constant':
      return ms(retry.interval);
    case 'exponential':
      return Math.min(ms(retry.interval) * (retry.delayFactor ?? 2) ** (attempt - 1), ms(retry.maxInterval));
    case 'random': {
      const min = ms(retry.minInterval);
      return min + Math.random() * Math.max(0, ms(retry.maxInterval) - min);
    }
  }
}

/** Whether another attempt fits: attempts left, and `maxDuration` (from the first attempt) not passed by the wait. */
export function mayRetry(retry: Retry | undefined, attempt: number, elapsedMs: number, delayMs: number): boolean {
  if (!retry || attempt >= maxAttempts(retry)) return false;
  if (retry.maxDuration !== undefined && elapsedMs + delayMs > ms(retry.maxDuration)) return false;
  return true;
}
