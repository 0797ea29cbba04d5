import type { AuthServer } from './auth-server.js';
import type { GitHubApiServer } from './github-api-server.js';
import type { GoogleTokenServer } from './google-token-server.js';
import { type LoopbackServer, sendJson, startLoopbackServer } from './loopback-server.js';

export interface ProtectedApi extends LoopbackServer {
  /** Every bearer token presented, in order (for leak scans). */
  readonly seenTokens: string[];
  /** Requests per path. */
  readonly hits: Map<string, number>;
}

/**
 * A small API protected by the loopback authorization servers, as a
 * resource server would be:
 * - `GET /api/oidc/ping` needs an active oidc-provider token;
 * - `POST /api/oidc/revoke-me` revokes the presented token (to test 401 recovery);
 * - `GET /api/google/projects` needs a token of the Google-style server;
 * - `GET /api/github/repos` needs a GitHub installation token;
 * - `GET /api/echo` answers what it was sent (no auth);
 * - anything else is 404.
 */
export async function startProtectedApi(servers: {
  auth?: AuthServer;
  google?: GoogleTokenServer;
  github?: GitHubApiServer;
}): Promise<ProtectedApi> {
  const seenTokens: string[] = [];
  const hits = new Map<string, number>();
  const api = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ');
    if (token) seenTokens.push(token);
    const bearer = scheme?.toLowerCase() === 'bearer' && token !== '';
    const unauthorized = () =>
      sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    switch (url.pathname) {
      case '/api/oidc/ping': {
        const info = bearer && servers.auth ? await servers.auth.introspect(token) : { active: false };
        return info.active
          ? sendJson(res, 200, { ok: true, client: info.clientId, scope: info.scope ?? null })
          : unauthorized();
      }
      case '/api/oidc/revoke-me': {
        if (!bearer || !servers.auth) return unauthorized();
        await servers.auth.revoke(token);
        return sendJson(res, 200, { revoked: true });
      }
      case '/api/google/projects': {
        const info = bearer ? servers.google?.tokenInfo(token) : undefined;
        return info ? sendJson(res, 200, { projects: [{ id: 'demo-project' }], account: info.iss }) : unauthorized();
      }
      case '/api/github/repos': {
        if (!bearer || !servers.github) return unauthorized();
        const r = await fetch(`${servers.github.url}/installation/repositories`, {
          headers: { authorization: `token ${token}` },
        });
        return sendJson(res, r.status, await r.json());
      }
      case '/api/echo':
        return sendJson(res, 200, { method: req.method, query: Object.fromEntries(url.searchParams) });
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  });
  return { ...api, seenTokens, hits };
}
