import { exportJWK, generateKeyPair } from 'jose';
import type { ClientMetadata, default as ProviderClass } from 'oidc-provider';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.js';

export interface AuthServerOptions {
  clients: ClientMetadata[];
  /** Lifetime of client_credentials tokens in seconds (default 3600), or a function of the client id. */
  ttl?: number | ((clientId: string) => number);
  /** Scopes the server knows (clients list theirs in `scope`). */
  scopes?: string[];
}

/**
 * oidc-provider warns that Node.js 20 is unsupported (it works, see
 * shared/NOTES.md) and that its in-memory adapter is for development: both
 * are known and true of a test server, so they are kept out of test and
 * demo output. Any other warning still shows.
 */
const KNOWN_WARNINGS = [
  'oidc-provider WARNING: Unsupported runtime',
  'oidc-provider WARNING: a quick start development-only in-memory adapter',
];

const FILTERED = Symbol.for('credflow.testkit.known-warnings');

/** Keeps the two known oidc-provider warnings out of console.warn (once per process; every oidc-provider server of the testkit calls it). */
export function filterKnownWarnings(): void {
  const c = console as Console & { [FILTERED]?: boolean };
  if (c[FILTERED]) return;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (!KNOWN_WARNINGS.some((w) => text.includes(w))) warn(...args);
  };
  c[FILTERED] = true;
}

let providerClass: Promise<typeof ProviderClass> | undefined;
function loadProvider(): Promise<typeof ProviderClass> {
  filterKnownWarnings();
  providerClass ??= import('oidc-provider').then((m) => m.default);
  return providerClass;
}

export interface AuthServer {
  issuer: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  provider: ProviderClass;
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
  const Provider = await loadProvider();
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
