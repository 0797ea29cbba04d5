/** How transient token endpoint failures (network, 5xx, 429) are retried. */
export interface RetryPolicy {
  /** Total attempts including the first; default 3. */
  maxAttempts: number;
  /** First backoff delay in ms (doubled per retry, with jitter); default 200. */
  baseDelayMs: number;
  /** Upper bound of one backoff delay in ms; default 5000. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this (ms) is not waited for: the error surfaces. Default 30000. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
};

/** Backoff before retry number `retry` (1-based): exponential with "equal jitter". */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

/**
 * Parses an HTTP `Retry-After` (delta-seconds or HTTP-date) into ms.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | undefined, wallNow: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - wallNow);
}
