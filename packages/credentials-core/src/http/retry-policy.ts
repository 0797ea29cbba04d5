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

/** The longest wait a server can ask for that credflow computes with (a year); anything longer is a year. */
export const MAX_SERVER_WAIT_MS = 366 * 24 * 3600 * 1000;

/**
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete RFC 850
 * and asctime forms recipients must accept: nothing else, so a header that
 * `Date.parse` would read leniently (text in parentheses is ignored there)
 * is refused rather than half-understood.
 */
const HTTP_DATE = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Parses an HTTP-date (RFC 9110 section 5.6.7) into epoch ms; `undefined`
 * for anything else.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7
 */
export function parseHttpDate(value: string | undefined): number | undefined {
  const v = value?.trim();
  if (!v || v.length > 40 || !HTTP_DATE.some((re) => re.test(v))) return undefined;
  const ms = Date.parse(v.endsWith('GMT') ? v : `${v} GMT`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Parses an HTTP `Retry-After` (delta-seconds or HTTP-date) into ms, at
 * most {@link MAX_SERVER_WAIT_MS}; `undefined` for anything else.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | undefined, wallNow: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d{1,15}$/.test(v)) return Math.min(Number(v) * 1000, MAX_SERVER_WAIT_MS);
  const date = parseHttpDate(v);
  return date === undefined ? undefined : Math.min(Math.max(0, date - wallNow), MAX_SERVER_WAIT_MS);
}
