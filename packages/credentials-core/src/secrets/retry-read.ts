import { setTimeout as sleep } from 'node:timers/promises';
import { CredflowError } from '../errors.js';
import {
  type SecretFailure,
  SecretProviderError,
  SecretProviderUnavailableError,
  SecretThrottledError,
} from './secret-errors.js';

/** How a failed read of one attempt is to be treated. */
export type ReadOutcome =
  | { kind: 'throttled'; detail: string }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'final'; error: Error };

/** Attempts and delays of a provider's reads; delays double from `baseDelayMs`. */
export interface ReadRetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

/** Three attempts, 200 ms then 400 ms apart: a blip is ridden out, an outage is reported within a second. */
export const defaultReadRetry: ReadRetryPolicy = { attempts: 3, baseDelayMs: 200 };

/**
 * Runs one read of a secret manager with retries: throttling and
 * unavailability are retried with backoff (full jitter), then reported as
 * {@link SecretThrottledError} or {@link SecretProviderUnavailableError};
 * anything `classify` calls final is thrown at once (a credflow error as it
 * is, anything else as unavailability with its message).
 */
export async function retryRead<T>(
  read: () => Promise<T>,
  classify: (err: unknown) => ReadOutcome,
  where: Omit<SecretFailure, 'detail' | 'cause'>,
  policy: ReadRetryPolicy = defaultReadRetry,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (err instanceof SecretProviderError) throw err;
      const outcome = classify(err);
      if (outcome.kind === 'final') {
        if (outcome.error instanceof CredflowError) throw outcome.error;
        throw new SecretProviderUnavailableError({ ...where, detail: outcome.error.message, cause: err });
      }
      if (attempt >= policy.attempts) {
        const f = { ...where, detail: `${outcome.detail} (${attempt} attempts)`, cause: err };
        throw outcome.kind === 'throttled' ? new SecretThrottledError(f) : new SecretProviderUnavailableError(f);
      }
      const cap = policy.baseDelayMs * 2 ** (attempt - 1);
      await sleep(cap / 2 + Math.random() * (cap / 2));
    }
  }
}
