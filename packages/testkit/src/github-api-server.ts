import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, importSPKI } from 'jose';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';

type Level = 'read' | 'write' | 'admin';

export interface GitHubInstallation {
  id: number;
  account: { login: string; type: 'Organization' | 'User' };
  permissions: Record<string, Level>;
  repositories: string[];
}

export interface GitHubApiServerOptions {
  appId: number;
  /** The app's client id, which GitHub also accepts as the JWT `iss`. */
  clientId?: string;
  /** The app's public key, PEM SPKI. */
  publicKey: string;
  installations: GitHubInstallation[];
  /** Token lifetime in seconds (GitHub: 3600). */
  expiresIn?: number;
  /**
   * The server's clock is real time plus this many ms (default 0): its
   * `Date` header and the app JWT's `iat`/`exp` checks use it.
   */
  clockOffsetMs?: number;
}

/** An answer the server sends instead of serving a request ({@link GitHubApiServer.rateLimit}). */
export interface RateLimitAnswer {
  /** 429 or 403 (GitHub uses both for rate limits), or a 5xx. */
  status: number;
  /** `Retry-After`: seconds, or a date (sent as an HTTP date). */
  retryAfter?: number | Date;
  /** Sends `x-ratelimit-remaining: 0` and `x-ratelimit-reset` this many seconds after the server's time. */
  resetInS?: number;
  /** GitHub's secondary rate limit message; else the primary one. */
  secondary?: boolean;
  /** Which requests get it: owner lookups, token requests, or either (default). */
  on?: 'lookup' | 'token' | 'any';
}

/** One request that came with an app JWT, whatever its answer. */
export interface GitHubApiRequest {
  kind: 'lookup' | 'token' | 'other';
  path: string;
  status: number;
  /** `performance.now()` when it arrived. */
  at: number;
}

export interface AccessTokenRequest {
  installationId: number;
  body: { repositories?: string[]; repository_ids?: number[]; permissions?: Record<string, Level> };
}

export interface GitHubApiServer extends LoopbackServer {
  readonly mints: number;
  readonly tokenRequests: AccessTokenRequest[];
  readonly lookups: string[];
  /** Every request that came with an app JWT (lookups and token requests included), refused ones too. */
  readonly requests: GitHubApiRequest[];
  /** GitHub's messages for each app JWT refused for its `iat`/`exp`. */
  readonly refusedJwts: string[];
  /** Revokes an installation token (as `DELETE /installation/token` does). */
  revoke(token: string): void;
  /** Sets the server's clock to real time plus `ms`. */
  setClockOffset(ms: number): void;
  /**
   * Removes an installation (the app uninstalled): its token requests
   * answer 404, lookups find nothing, its tokens stop working.
   */
  removeInstallation(id: number): GitHubInstallation | undefined;
  /** Adds an installation, e.g. a removed one under a new id (the app reinstalled). */
  addInstallation(installation: GitHubInstallation): void;
  /** Queues answers sent, in order, instead of serving the next matching requests (after the JWT check). */
  rateLimit(...answers: RateLimitAnswer[]): void;
}

/** How far GitHub lets an app JWT's `iat` run ahead of its clock, and `exp` lag behind (seconds). */
export const GITHUB_JWT_DRIFT_S = 60;

/**
 * GitHub's 401 messages for an app JWT's time claims.
 * @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */
export const GITHUB_JWT_MESSAGES = {
  expTooFar: "'Expiration time' claim ('exp') is too far in the future",
  expired:
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  iatInFuture: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
} as const;

const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };
const DOCS = 'https://docs.github.com/rest';

/**
 * A loopback server that speaks the GitHub App endpoints as documented: app
 * JWTs are verified with jose against the app's public key (RS256, `iss` =
 * app id compared as a string, `exp - iat` at most 10 minutes, scheme
 * compared case-insensitively) and checked against the server's clock with
 * GitHub's messages (`exp` at most 10 minutes ahead, `iat` not in the
 * future, `exp` not past; {@link GITHUB_JWT_DRIFT_S} of drift allowed);
 * installation lookup by org, user or repo;
 * `POST /app/installations/{id}/access_tokens` with narrowing (201 with
 * `token`, `expires_at`, `permissions`, `repository_selection`); and a
 * protected `GET /installation/repositories` that takes the token.
 *
 * Test controls: a server clock offset (its `Date` header follows it),
 * installations removed and added, rate-limit answers queued, and a log of
 * every app-JWT request.
 */
export async function startGitHubApiServer(options: GitHubApiServerOptions): Promise<GitHubApiServer> {
  const key = await importSPKI(options.publicKey, 'RS256');
  const tokens = new Map<string, { installation: GitHubInstallation; repositories: string[]; exp: number }>();
  const tokenRequests: AccessTokenRequest[] = [];
  const lookups: string[] = [];
  const requests: GitHubApiRequest[] = [];
  const refusedJwts: string[] = [];
  const queued: RateLimitAnswer[] = [];
  const installations = options.installations;
  let clockOffsetMs = options.clockOffsetMs ?? 0;
  let mints = 0;
  /** The server's clock, epoch ms. */
  const now = () => Date.now() + clockOffsetMs;

  const appJwtError = async (req: IncomingMessage): Promise<string | undefined> => {
    const [scheme, jwt] = (req.headers.authorization ?? '').split(' ');
    if (!jwt || scheme?.toLowerCase() !== 'bearer') return 'A JSON web token could not be decoded';
    let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      const verified = await compactVerify(jwt, key, { algorithms: ['RS256'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as typeof payload;
    } catch {
      return 'A JSON web token could not be decoded';
    }
    if (String(payload.iss) !== String(options.appId) && String(payload.iss) !== options.clientId)
      return "'Issuer' claim ('iss') must be an Integer";
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || !Number.isInteger(iat)) return GITHUB_JWT_MESSAGES.iatInFuture;
    if (typeof exp !== 'number') return GITHUB_JWT_MESSAGES.expired;
    const nowS = now() / 1000;
    const timeError =
      exp - iat > 600 || exp > nowS + 600 + GITHUB_JWT_DRIFT_S
        ? GITHUB_JWT_MESSAGES.expTooFar
        : iat > nowS + GITHUB_JWT_DRIFT_S
          ? GITHUB_JWT_MESSAGES.iatInFuture
          : exp < nowS - GITHUB_JWT_DRIFT_S
            ? GITHUB_JWT_MESSAGES.expired
            : undefined;
    if (timeError) refusedJwts.push(timeError);
    return timeError;
  };

  /** Sends the next queued rate-limit answer that fits, if any. */
  const rateLimited = (res: ServerResponse, kind: GitHubApiRequest['kind']): number | undefined => {
    const i = queued.findIndex((a) => (a.on ?? 'any') === 'any' || a.on === kind);
    const answer = i < 0 ? undefined : queued.splice(i, 1)[0];
    if (!answer) return undefined;
    const headers: Record<string, string> = {};
    if (answer.retryAfter !== undefined) {
      headers['retry-after'] =
        answer.retryAfter instanceof Date ? answer.retryAfter.toUTCString() : String(answer.retryAfter);
    }
    if (answer.resetInS !== undefined) {
      Object.assign(headers, {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(Math.floor(now() / 1000) + answer.resetInS),
        'x-ratelimit-resource': 'core',
      });
    }
    const message =
      answer.status >= 500
        ? 'Server Error'
        : answer.secondary
          ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.'
          : answer.status === 429 || answer.resetInS !== undefined || answer.retryAfter !== undefined
            ? `API rate limit exceeded for app ID ${options.appId}.`
            : // a 403 with no rate-limit sign: a permission problem
              'Resource not accessible by integration';
    sendJson(
      res,
      answer.status,
      { message, documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api` },
      headers,
    );
    return answer.status;
  };

  const installationJson = (i: GitHubInstallation) => ({
    id: i.id,
    app_id: options.appId,
    account: { login: i.account.login, type: i.account.type },
    permissions: i.permissions,
    repository_selection: 'selected',
  });

  const server = await startLoopbackServer(async (req, res) => {
    res.setHeader('date', new Date(now()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/installation/repositories') {
      const [scheme, token] = (req.headers.authorization ?? '').split(' ');
      const t = tokens.get(token ?? '');
      if (!t || !['token', 'bearer'].includes(scheme?.toLowerCase() ?? '') || t.exp < now() / 1000) {
        return sendJson(res, 401, { message: 'Bad credentials', documentation_url: DOCS });
      }
      return sendJson(res, 200, {
        total_count: t.repositories.length,
        repositories: t.repositories.map((name) => ({ name, full_name: `${t.installation.account.login}/${name}` })),
      });
    }
    const lookup =
      /^\/(orgs|users)\/([^/]+)\/installation$/.exec(path) ?? /^\/(repos)\/([^/]+)\/[^/]+\/installation$/.exec(path);
    const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    const record: GitHubApiRequest = {
      kind: req.method === 'GET' && lookup ? 'lookup' : req.method === 'POST' && mint ? 'token' : 'other',
      path,
      status: 0,
      at: performance.now(),
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const jwtError = await appJwtError(req);
    if (jwtError) return sendJson(res, 401, { message: jwtError, documentation_url: DOCS });
    if (rateLimited(res, record.kind) !== undefined) return;

    if (req.method === 'GET' && lookup) {
      lookups.push(path);
      const [, kind, login] = lookup;
      const found = installations.find(
        (i) =>
          i.account.login.toLowerCase() === login?.toLowerCase() &&
          (kind === 'repos' || (kind === 'orgs') === (i.account.type === 'Organization')),
      );
      return found
        ? sendJson(res, 200, installationJson(found))
        : sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS });
    }
    if (req.method === 'POST' && mint) {
      const installation = installations.find((i) => i.id === Number(mint[1]));
      const text = await readBody(req);
      const body = (text ? JSON.parse(text) : {}) as AccessTokenRequest['body'];
      tokenRequests.push({ installationId: Number(mint[1]), body });
      if (!installation) return sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS });
      for (const [name, level] of Object.entries(body.permissions ?? {})) {
        const has = installation.permissions[name];
        if (!has || RANK[has] < RANK[level]) {
          return sendJson(res, 422, {
            message: 'The permissions requested are not granted to this installation.',
            documentation_url: DOCS,
          });
        }
      }
      const repositories = body.repositories ?? installation.repositories;
      if (repositories.some((r) => !installation.repositories.includes(r))) {
        return sendJson(res, 422, {
          message:
            'There is at least one repository that does not exist or is not accessible to the parent installation.',
          documentation_url: DOCS,
        });
      }
      const expiresIn = options.expiresIn ?? 3600;
      const exp = Math.floor(now() / 1000) + expiresIn;
      // GitHub's newer installation tokens are longer than 40 characters.
      const token = `ghs_${randomBytes(48).toString('base64url').replace(/[-_]/g, 'x')}`;
      tokens.set(token, { installation, repositories, exp });
      mints++;
      return sendJson(res, 201, {
        token,
        expires_at: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: body.permissions ?? installation.permissions,
        repository_selection: body.repositories ? 'selected' : 'all',
        ...(body.repositories ? { repositories: repositories.map((name, id) => ({ id: id + 1, name })) } : {}),
      });
    }
    return sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS });
  });
  return {
    ...server,
    get mints() {
      return mints;
    },
    tokenRequests,
    lookups,
    requests,
    refusedJwts,
    revoke: (token) => {
      tokens.delete(token);
    },
    setClockOffset: (ms) => {
      clockOffsetMs = ms;
    },
    removeInstallation: (id) => {
      const i = installations.findIndex((x) => x.id === id);
      const [removed] = i < 0 ? [] : installations.splice(i, 1);
      for (const [token, t] of tokens) if (t.installation === removed) tokens.delete(token);
      return removed;
    },
    addInstallation: (installation) => {
      installations.push(installation);
    },
    rateLimit: (...answers) => {
      queued.push(...answers);
    },
  };
}
