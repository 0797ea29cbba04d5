import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
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
}

export interface AccessTokenRequest {
  installationId: number;
  body: { repositories?: string[]; repository_ids?: number[]; permissions?: Record<string, Level> };
}

export interface GitHubApiServer extends LoopbackServer {
  readonly mints: number;
  readonly tokenRequests: AccessTokenRequest[];
  readonly lookups: string[];
  /** Revokes an installation token (as `DELETE /installation/token` does). */
  revoke(token: string): void;
}

const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };
const DOCS = 'https://docs.github.com/rest';

/**
 * A loopback server that speaks the GitHub App endpoints as documented: app
 * JWTs are verified with jose against the app's public key (RS256, `iss` =
 * app id compared as a string, `exp - iat` at most 10 minutes, scheme
 * compared case-insensitively); installation lookup by org, user or repo;
 * `POST /app/installations/{id}/access_tokens` with narrowing (201 with
 * `token`, `expires_at`, `permissions`, `repository_selection`); and a
 * protected `GET /installation/repositories` that takes the token.
 */
export async function startGitHubApiServer(options: GitHubApiServerOptions): Promise<GitHubApiServer> {
  const key = await importSPKI(options.publicKey, 'RS256');
  const tokens = new Map<string, { installation: GitHubInstallation; repositories: string[]; exp: number }>();
  const tokenRequests: AccessTokenRequest[] = [];
  const lookups: string[] = [];
  let mints = 0;

  const appJwtError = async (req: IncomingMessage): Promise<string | undefined> => {
    const [scheme, jwt] = (req.headers.authorization ?? '').split(' ');
    if (!jwt || scheme?.toLowerCase() !== 'bearer') return 'A JSON web token could not be decoded';
    try {
      const { payload } = await jwtVerify(jwt, key, { algorithms: ['RS256'], clockTolerance: 60 });
      if (String(payload.iss) !== String(options.appId) && String(payload.iss) !== options.clientId)
        return "'Issuer' claim ('iss') must be an Integer";
      if (Number(payload.exp) - Number(payload.iat) > 600) {
        return "'Expiration time' claim ('exp') is too far in the future";
      }
      return undefined;
    } catch {
      return 'A JSON web token could not be decoded';
    }
  };

  const installationJson = (i: GitHubInstallation) => ({
    id: i.id,
    app_id: options.appId,
    account: { login: i.account.login, type: i.account.type },
    permissions: i.permissions,
    repository_selection: 'selected',
  });

  const server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/installation/repositories') {
      const [scheme, token] = (req.headers.authorization ?? '').split(' ');
      const t = tokens.get(token ?? '');
      if (!t || !['token', 'bearer'].includes(scheme?.toLowerCase() ?? '') || t.exp < Date.now() / 1000) {
        return sendJson(res, 401, { message: 'Bad credentials', documentation_url: DOCS });
      }
      return sendJson(res, 200, {
        total_count: t.repositories.length,
        repositories: t.repositories.map((name) => ({ name, full_name: `${t.installation.account.login}/${name}` })),
      });
    }
    const jwtError = await appJwtError(req);
    if (jwtError) return sendJson(res, 401, { message: jwtError, documentation_url: DOCS });

    const lookup =
      /^\/(orgs|users)\/([^/]+)\/installation$/.exec(path) ?? /^\/(repos)\/([^/]+)\/[^/]+\/installation$/.exec(path);
    if (req.method === 'GET' && lookup) {
      lookups.push(path);
      const [, kind, login] = lookup;
      const found = options.installations.find(
        (i) =>
          i.account.login.toLowerCase() === login?.toLowerCase() &&
          (kind === 'repos' || (kind === 'orgs') === (i.account.type === 'Organization')),
      );
      return found
        ? sendJson(res, 200, installationJson(found))
        : sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS });
    }
    const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (req.method === 'POST' && mint) {
      const installation = options.installations.find((i) => i.id === Number(mint[1]));
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
      const exp = Math.floor(Date.now() / 1000) + expiresIn;
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
    revoke: (token) => {
      tokens.delete(token);
    },
  };
}
