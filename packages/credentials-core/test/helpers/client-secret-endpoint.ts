import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';

export interface ClientSecretEndpoint extends LoopbackServer {
  tokenEndpoint: string;
  /** The client secret the endpoint accepts now (change it to rotate). */
  secret: string;
  /** Token requests answered, accepted or not. */
  readonly requests: number;
}

/**
 * A minimal RFC 6749 section 4.4 token endpoint for rotation tests:
 * `client_secret_basic` with one accepted secret; anything else is
 * `invalid_client` (HTTP 401), as section 5.2 says.
 */
export async function startClientSecretEndpoint(clientId: string, secret: string): Promise<ClientSecretEndpoint> {
  let requests = 0;
  const state = { secret };
  const server = await startLoopbackServer(async (req, res) => {
    requests++;
    const form = new URLSearchParams(await readBody(req));
    const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const [id, pass] = Buffer.from(basic ?? '', 'base64')
      .toString('utf8')
      .split(':')
      .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
    if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    if (id !== clientId || pass !== state.secret) {
      return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
    }
    sendJson(res, 200, { access_token: `tok-${requests}-${Date.now()}`, token_type: 'Bearer', expires_in: 3600 });
  });
  return {
    ...server,
    tokenEndpoint: `${server.url}/token`,
    get secret() {
      return state.secret;
    },
    set secret(v: string) {
      state.secret = v;
    },
    get requests() {
      return requests;
    },
  };
}
