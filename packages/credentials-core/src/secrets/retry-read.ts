import { setTimeout as sleep } from 'node:timers/promises';
import { CredflowError } from '../errors.js';
import { defaultReadRetry, type ReadRetryPolicy, readRetryDelay } from '../http/retry-policy.js';
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

/**
 * Runs one read of a secret manager with retries: throttling and
 * unavailability are retried with backoff ({@link readRetryDelay}), then reported as
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
      await sleep(readRetryDelay(policy, attempt));
    }
  }
}
