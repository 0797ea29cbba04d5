import { parseHttpDate } from '../../http/retry-policy.js';

/**
 * GitHub's 401 messages for an app JWT whose `iat` or `exp` does not fit
 * GitHub's clock: `exp` in the past ("must be a numeric value representing
 * the future time at which the assertion expires"), more than 10 minutes
 * ahead ("is too far in the future"), `iat` in the future ("must be an
 * Integer representing the time that the assertion was issued", and
 * variants). Matched on the claim's name so that rewordings still count.
 * @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */
const TIME_CLAIM = /'(?:Issued at|Expiration time)' claim \('(?:iat|exp)'\)/i;

/** Whether GitHub refused an app JWT for its time claims (a clock difference), from its message. */
export function isJwtTimeRefusal(message: string | undefined): boolean {
  return message !== undefined && TIME_CLAIM.test(message);
}

/**
 * Whole seconds GitHub's clock is ahead of `wallNow` (negative: behind),
 * from an answer's `Date` header (RFC 9110 section 6.6.1, one-second
 * resolution); `undefined` without a usable one.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1
 */
export function clockOffsetSeconds(date: string | number | undefined, wallNow: number): number | undefined {
  if (date === undefined) return undefined;
  const server = parseHttpDate(String(date));
  // The Date header is truncated to the second: its middle is the best guess.
  return server === undefined ? undefined : Math.round((server + 500 - wallNow) / 1000);
}

/**
 * The largest clock difference credflow corrects for (30 minutes). A `Date`
 * further off is more likely a hostile or broken answer than a clock: taking
 * it would date every later app JWT (10 minutes of life) at a time the
 * server chose.
 */
export const MAX_CLOCK_OFFSET_S = 30 * 60;
