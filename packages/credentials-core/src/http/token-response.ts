import type { Logger } from '../clock.js';
import { TokenResponseInvalidError } from '../errors.js';
import { serverText } from './server-text.js';

/** Largest lifetime credflow believes, in seconds (one year); larger values are clamped. */
export const MAX_LIFETIME_S = 366 * 24 * 3600;

/** A successful RFC 6749 section 5.1 response, checked. */
export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  expiresIn?: number;
  scopes?: string[];
  /** `scope` as written. */
  scope?: string;
}

/** Credentials (and endpoints) already warned about a missing `token_type`, per logger (one per store). */
const warnedNoTokenType = new WeakMap<Logger, Set<string>>();

/**
 * Checks a parsed successful token response (RFC 6749 section 5.1).
 * `expires_in` may be a number or a numeric string; an unusable one is
 * ignored with a warning (the lifetime then comes from the token or the
 * default). Only Bearer tokens are accepted (RFC 6750). A missing
 * `token_type` (REQUIRED by section 5.1, yet omitted by many servers) is
 * taken as Bearer, as google-auth-library and MSAL do, with one warning per
 * credential and endpoint (not one per mint).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkTokenResponse(
  body: unknown,
  where: { credential: string; endpoint: string; status: number },
  logger: Logger,
): TokenResponse {
  const fail = (message: string) => {
    throw new TokenResponseInvalidError(message, where);
  };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail('token response is not a JSON object');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token.length === 0) {
    return fail(`token response has no access_token (fields: ${Object.keys(b).slice(0, 10).join(', ') || 'none'})`);
  }
  let tokenType = 'Bearer';
  if (b.token_type === undefined) {
    warnOnce(
      logger,
      where,
      'token response has no token_type (RFC 6749 section 5.1 requires it); treating the token as Bearer',
    );
  } else if (typeof b.token_type !== 'string' || b.token_type.toLowerCase() !== 'bearer') {
    return fail(
      `token_type '${serverText(String(b.token_type), 40)}' is not supported (credflow hands out Bearer tokens only)`,
    );
  } else {
    tokenType = b.token_type;
  }
  const out: TokenResponse = { accessToken: b.access_token, tokenType };
  const expiresIn = parseExpiresIn(b.expires_in);
  if (expiresIn === 'invalid') {
    logger.warn(
      `credential '${where.credential}': ignoring unusable expires_in (${describe(b.expires_in)}) from ${where.endpoint}`,
    );
  } else if (expiresIn !== undefined) {
    if (expiresIn > MAX_LIFETIME_S) {
      logger.warn(`credential '${where.credential}': expires_in ${expiresIn} clamped to ${MAX_LIFETIME_S} seconds`);
    }
    out.expiresIn = Math.min(expiresIn, MAX_LIFETIME_S);
  }
  if (typeof b.scope === 'string') {
    out.scope = b.scope;
    out.scopes = b.scope.split(/\s+/).filter(Boolean);
  }
  return out;
}

/** Logs `message` for this credential and endpoint once per logger. */
function warnOnce(logger: Logger, where: { credential: string; endpoint: string }, message: string): void {
  let seen = warnedNoTokenType.get(logger);
  if (!seen) {
    seen = new Set();
    warnedNoTokenType.set(logger, seen);
  }
  const key = `${where.credential}\u0000${where.endpoint}`;
  if (seen.has(key)) return;
  seen.add(key);
  logger.warn(`credential '${where.credential}': ${message} (endpoint ${where.endpoint})`);
}

const NUMERIC = /^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

/** Seconds, `undefined` when absent, `'invalid'` when present but unusable. */
export function parseExpiresIn(v: unknown): number | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return 'invalid';
  return Math.floor(n);
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  // Not quoted: warnings go to a logger no masker may stand in front of.
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  return typeof v;
}
