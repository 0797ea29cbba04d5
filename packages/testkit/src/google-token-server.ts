import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, errors, importJWK, importSPKI, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';

export interface GoogleTokenServerOptions {
  /** Public keys (PEM SPKI or JWK) of the service accounts, by issuer (`client_email`). */
  accounts: Record<string, string | JWK>;
  /** Default token lifetime in seconds (Google: 3599). */
  expiresIn?: number;
}

export interface GoogleTokenServer extends LoopbackServer {
  /** `${url}/token`: also the audience assertions must carry. */
  tokenEndpoint: string;
  /** Tokens minted so far. */
  readonly mints: number;
  /** The claims an access token was minted for, if it is one of ours and unexpired. */
  tokenInfo(token: string): { iss: string; scope?: string } | undefined;
}

/**
 * A loopback token endpoint that speaks Google's OAuth 2.0 service-account
 * flow (RFC 7523 section 2.1) and checks assertions the way Google documents:
 * RS256 signature by the account's key, `iss` a known account, `aud` the token
 * endpoint, `exp` in the future and at most one hour after `iat`. Errors are
 * RFC 6749 section 5.2 JSON, `invalid_grant` for a bad assertion.
 * `GET /tokeninfo?access_token=...` answers like Google's tokeninfo.
 */
export async function startGoogleTokenServer(options: GoogleTokenServerOptions): Promise<GoogleTokenServer> {
  const issued = new Map<string, { iss: string; scope?: string; exp: number }>();
  let mints = 0;
  let tokenEndpoint = '';
  const keys = new Map<string, Awaited<ReturnType<typeof importSPKI>>>();
  for (const [iss, k] of Object.entries(options.accounts)) {
    keys.set(
      iss,
      typeof k === 'string'
        ? await importSPKI(k, 'RS256')
        : ((await importJWK(k, 'RS256')) as Awaited<ReturnType<typeof importSPKI>>),
    );
  }
  const invalidGrant = (description: string) => ({ error: 'invalid_grant', error_description: description });

  const server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/tokeninfo') {
      const info = issued.get(url.searchParams.get('access_token') ?? '');
      if (!info || info.exp < Date.now() / 1000) return sendJson(res, 400, { error: 'invalid_token' });
      return sendJson(res, 200, {
        azp: info.iss,
        scope: info.scope,
        expires_in: Math.round(info.exp - Date.now() / 1000),
      });
    }
    if (req.method !== 'POST' || url.pathname !== '/token') return sendJson(res, 404, { error: 'not_found' });
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
    }
    const assertion = form.get('assertion') ?? '';
    let payload: JWTPayload;
    try {
      const header = decodeProtectedHeader(assertion);
      if (header.alg !== 'RS256') return sendJson(res, 400, invalidGrant('Invalid JWT Signature.'));
      const unverified = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()) as JWTPayload;
      const key = keys.get(String(unverified.iss));
      if (!key) return sendJson(res, 400, invalidGrant('Invalid issuer: unknown service account.'));
      ({ payload } = await jwtVerify(assertion, key, {
        algorithms: ['RS256'],
        audience: tokenEndpoint,
        requiredClaims: ['iss', 'aud', 'exp', 'iat'],
        clockTolerance: 60,
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        return sendJson(
          res,
          400,
          invalidGrant(
            'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
          ),
        );
      }
      if (err instanceof errors.JWTClaimValidationFailed) {
        return sendJson(res, 400, invalidGrant(`Invalid JWT: ${err.claim} claim check failed (${err.reason}).`));
      }
      return sendJson(res, 400, invalidGrant('Invalid JWT Signature.'));
    }
    const exp = Number(payload.exp);
    const iat = Number(payload.iat);
    if (exp - iat > 3600 || iat > Date.now() / 1000 + 60) {
      return sendJson(
        res,
        400,
        invalidGrant(
          'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
        ),
      );
    }
    const expiresIn = options.expiresIn ?? 3599;
    const token = `ya29.${randomBytes(32).toString('base64url')}`;
    const scope = typeof payload.scope === 'string' ? payload.scope : (form.get('scope') ?? undefined);
    issued.set(token, { iss: String(payload.iss), ...(scope ? { scope } : {}), exp: Date.now() / 1000 + expiresIn });
    mints++;
    sendJson(res, 200, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' });
  });
  tokenEndpoint = `${server.url}/token`;
  return {
    ...server,
    tokenEndpoint,
    get mints() {
      return mints;
    },
    tokenInfo(token) {
      const info = issued.get(token);
      return info && info.exp > Date.now() / 1000
        ? { iss: info.iss, ...(info.scope ? { scope: info.scope } : {}) }
        : undefined;
    },
  };
}
