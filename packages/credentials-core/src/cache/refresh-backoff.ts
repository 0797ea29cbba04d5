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

/** First pause after a failed background refresh. */
export const REFRESH_BACKOFF_BASE_MS = 5000;
/** Longest pause between background refresh attempts. */
export const REFRESH_BACKOFF_MAX_MS = 60_000;
