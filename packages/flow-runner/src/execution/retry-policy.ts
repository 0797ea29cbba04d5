import { parseDuration } from '@credflow/credentials-core/internal';
import type { Retry } from '../flow/task-properties.js';
import { EXECUTION_LIMITS } from './execution-limits.js';

const ms = (d: string | undefined): number => (d === undefined ? 0 : (parseDuration(d) ?? 0));

/** How many attempts a retry asks for (Kestra's `maxAttempt`; unbounded with only `maxDuration`; 1 without `retry`). */
function askedAttempts(retry: Retry | undefined): number {
  if (!retry) return 1;
  return retry.maxAttempt ?? retry.maxAttempts ?? Number.POSITIVE_INFINITY;
}

/**
 * How many attempts a task gets in all: what its retry asks for, at most
 * {@link EXECUTION_LIMITS}.maxAttempts (Kestra has no such limit).
 */
export function maxAttempts(retry: Retry | undefined): number {
  return Math.min(askedAttempts(retry), EXECUTION_LIMITS.maxAttempts);
}

/** Whether `attempt` failed ones end a task run because of credflow's attempt limit, not its retry. */
export function attemptLimitReached(retry: Retry | undefined, attempt: number): boolean {
  return attempt >= EXECUTION_LIMITS.maxAttempts && askedAttempts(retry) > EXECUTION_LIMITS.maxAttempts;
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
