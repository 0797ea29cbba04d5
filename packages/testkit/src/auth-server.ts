import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.js';

export interface AuthServerOptions {
  clients: ClientMetadata[];
  /** Lifetime of client_credentials tokens in seconds (default 3600), or a function of the client id. */
  ttl?: number | ((clientId: string) => number);
  /** Scopes the server knows (clients list theirs in `scope`). */
  scopes?: string[];
}

export interface AuthServer {
  issuer: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  provider: Provider;
  /** Tokens minted so far (counts `client_credentials.saved` events). */
  readonly mints: number;
  /** Whether `token` is an active client_credentials token of this server, and its claims. */
  introspect(token: string): Promise<{ active: boolean; clientId?: string; scope?: string }>;
  /** Revokes a token, so the next API call with it gets 401. */
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a real OpenID Connect authorization server (oidc-provider) on
 * loopback with the client_credentials grant and introspection enabled.
 */
export async function startAuthServer(options: AuthServerOptions): Promise<AuthServer> {
  let handler: ((req: never, res: never) => void) | undefined;
  const http: LoopbackServer = await startLoopbackServer((req, res) => {
    handler?.(req as never, res as never);
  });
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'sig', alg: 'RS256', use: 'sig' };
  const provider = new Provider(http.url, {
    clients: options.clients,
    jwks: { keys: [signingJwk] },
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
    },
    scopes: ['openid', ...(options.scopes ?? [])],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    ttl: {
      ClientCredentials: (_ctx: unknown, token: { clientId?: string | undefined }) =>
        typeof options.ttl === 'function' ? options.ttl(token.clientId ?? '') : (options.ttl ?? 3600),
    },
    cookies: { keys: ['credflow-test-cookie-key'] },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => {
    process.stderr.write(`oidc-provider server_error: ${err.message}\n`);
  });
  let mints = 0;
  provider.on('client_credentials.saved', () => {
    mints++;
  });
  handler = provider.callback() as unknown as typeof handler;
  return {
    issuer: http.url,
    tokenEndpoint: `${http.url}/token`,
    introspectionEndpoint: `${http.url}/token/introspection`,
    provider,
    get mints() {
      return mints;
    },
    async introspect(token) {
      const found = await provider.ClientCredentials.find(token);
      if (!found || found.isExpired) return { active: false };
      return { active: true, clientId: found.clientId, ...(found.scope ? { scope: found.scope } : {}) };
    },
    async revoke(token) {
      const found = await provider.ClientCredentials.find(token);
      await found?.destroy();
    },
    close: () => http.close(),
  };
}
