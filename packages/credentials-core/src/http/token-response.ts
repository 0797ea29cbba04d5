import type { Logger } from '../clock.js';
import { TokenEndpointError } from '../errors.js';
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

/**
 * Checks a parsed successful token response (RFC 6749 section 5.1).
 * `expires_in` may be a number or a numeric string; an unusable one is
 * ignored with a warning (the lifetime then comes from the token or the
 * default). Only Bearer tokens are accepted (RFC 6750).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkTokenResponse(
  body: unknown,
  where: { credential: string; endpoint: string; status: number },
  logger: Logger,
): TokenResponse {
  const fail = (message: string) => {
    throw new TokenEndpointError('ERR_TOKEN_RESPONSE_INVALID', message, where);
  };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail('token response is not a JSON object');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token.length === 0) {
    return fail(`token response has no access_token (fields: ${Object.keys(b).slice(0, 10).join(', ') || 'none'})`);
  }
  let tokenType = 'Bearer';
  if (b.token_type !== undefined) {
    if (typeof b.token_type !== 'string' || b.token_type.toLowerCase() !== 'bearer') {
      return fail(
        `token_type '${serverText(String(b.token_type), 40)}' is not supported (credflow hands out Bearer tokens only)`,
      );
    }
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
