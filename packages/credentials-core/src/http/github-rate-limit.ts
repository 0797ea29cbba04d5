import { MAX_SERVER_WAIT_MS, parseHttpDate, parseRetryAfter } from './retry-policy.js';

/** Response headers as octokit hands them over (lower-case names). */
export type GitHubHeaders = Readonly<Record<string, string | number | undefined>>;

/** What to do about a failed GitHub answer. */
export type GitHubRetryAdvice =
  /** Not worth asking again (401, 404, 422, a plain 403, ...). */
  | { kind: 'permanent' }
  /** Ask again after at least `waitMs` (0: the usual backoff alone); `why` is for messages. */
  | { kind: 'transient'; waitMs: number; why: string };

/** GitHub's advice when a secondary rate limit answer has neither `Retry-After` nor `x-ratelimit-reset`. */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

const SECONDARY = /secondary rate limit|abuse detection/i;

/**
 * Reads GitHub's rate-limit signals off a failed answer, in GitHub's order:
 * `Retry-After` (seconds or HTTP date); else `x-ratelimit-remaining: 0`
 * with `x-ratelimit-reset` (epoch seconds); else, for a secondary rate
 * limit, one minute. 429 and 5xx are transient (backoff when they carry no
 * hint); a 403 is transient only with one of these signs or a message
 * naming a secondary rate limit, otherwise permanent (no permission).
 * Times are measured against the answer's own `Date` when it has one, so a
 * wrong local clock does not stretch or shrink the wait.
 * @see https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#handle-rate-limit-errors-appropriately
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function gitHubRetryAdvice(
  status: number,
  headers: GitHubHeaders,
  message: string | undefined,
  wallNow: number,
): GitHubRetryAdvice {
  const header = (name: string) => {
    const v = headers[name];
    return v === undefined ? undefined : String(v);
  };
  const now = parseHttpDate(header('date')) ?? wallNow;
  const retryAfter = parseRetryAfter(header('retry-after'), now);
  const exhausted = header('x-ratelimit-remaining')?.trim() === '0';
  const resetText = header('x-ratelimit-reset')?.trim() ?? '';
  const reset = /^\d{1,12}$/.test(resetText) ? Number(resetText) : Number.NaN;
  const resetWait = exhausted && reset > 0 ? Math.min(Math.max(0, reset * 1000 - now), MAX_SERVER_WAIT_MS) : undefined;
  const secondary = SECONDARY.test(message ?? '');
  const limited = status === 429 || (status === 403 && (retryAfter !== undefined || exhausted || secondary));
  if (!limited && status < 500) return { kind: 'permanent' };
  const kind = secondary ? 'secondary rate limit' : exhausted ? 'rate limit exhausted' : 'rate limited';
  const label = status >= 500 ? `HTTP ${status}` : `HTTP ${status}, ${kind}`;
  if (retryAfter !== undefined) {
    // The parsed wait, never the header's text: a server could put anything there.
    return { kind: 'transient', waitMs: retryAfter, why: `${label}, Retry-After ${Math.ceil(retryAfter / 1000)} s` };
  }
  if (resetWait !== undefined) {
    return {
      kind: 'transient',
      waitMs: resetWait,
      why: `${label}, x-ratelimit-reset in ${Math.ceil(resetWait / 1000)} s`,
    };
  }
  if (secondary) return { kind: 'transient', waitMs: SECONDARY_LIMIT_WAIT_MS, why: `${label}, no Retry-After` };
  return { kind: 'transient', waitMs: 0, why: label };
}
