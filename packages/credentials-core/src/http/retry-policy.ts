/**
 * How credflow retries, in one module: the backoff (exponential with
 * "equal jitter"), a server's `Retry-After`, and the settings of each use:
 * token requests ({@link defaultRetryPolicy}, the store option `retry`),
 * secret manager reads ({@link defaultReadRetry}) and background token
 * refreshes ({@link refreshBackoffMs}).
 */

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

/** Attempts and delays of a secret manager's reads; delays double from `baseDelayMs`. */
export interface ReadRetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

/** Secret reads: three attempts, 200 ms then 400 ms apart: a blip is ridden out, an outage is reported within a second. */
export const defaultReadRetry: ReadRetryPolicy = { attempts: 3, baseDelayMs: 200 };

/** Backoff before retry number `retry` (1-based) of a secret read: {@link backoffDelay} without an upper bound. */
export function readRetryDelay(policy: ReadRetryPolicy, retry: number): number {
  return backoffDelay({ baseDelayMs: policy.baseDelayMs, maxDelayMs: Number.POSITIVE_INFINITY }, retry);
}

/** First pause after a failed background refresh. */
export const REFRESH_BACKOFF_BASE_MS = 5000;
/** Longest pause between background refresh attempts. */
export const REFRESH_BACKOFF_MAX_MS = 60_000;

/**
 * Pause before the next background refresh after `failures` failed ones in a
 * row: 5 s, 10 s, 20 s, 40 s, then 60 s. The still-valid token is served
 * meanwhile, so a down token endpoint sees a few requests a minute, not one
 * per caller (RFC 6749 section 5.2 errors and transient failures alike: the
 * token request itself has already retried transient ones).
 */
export function refreshBackoffMs(failures: number): number {
  return Math.min(REFRESH_BACKOFF_MAX_MS, REFRESH_BACKOFF_BASE_MS * 2 ** Math.max(0, failures));
}

/**
 * Backoff before retry number `retry` (1-based): `baseDelayMs` doubled per
 * retry, at most `maxDelayMs`, with "equal jitter" (between half and all of
 * it), so callers failing together do not retry in step.
 */
export function backoffDelay(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, retry: number): number {
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
