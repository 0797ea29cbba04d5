// Test helpers of the shared-cache suites: a real oidc-provider whose mints
// are counted per client, behind a gate that can hold token requests.
import type { IncomingMessage } from 'node:http';
import {
  type AuthServer,
  clientCredentialsClient,
  type LoopbackServer,
  readBody,
  startAuthServer,
  startLoopbackServer,
} from '@credflow/testkit';

export const CLIENT_SECRET = 'shared-cache-client-secret-7f3a9c';

/** A minted token as the authorization server saw it. */
export interface Mint {
  clientId: string;
  at: number;
}

export interface SharedIdp {
  /** The gate's token endpoint URL. */
  tokenEndpoint: string;
  /** Tokens minted by oidc-provider, in order. */
  mints: Mint[];
  /** Mints of one client. */
  mintsOf(clientId: string): number;
  /** Token requests that reached the gate (held ones included). */
  readonly requests: number;
  /** Holds every token request until {@link open}. */
  hold(): void;
  open(): void;
  /** Requests being held. */
  readonly held: number;
  as: AuthServer;
  close(): Promise<void>;
}

/**
 * oidc-provider with `clients` clients `c0`..`c{n-1}` (secret
 * {@link CLIENT_SECRET}) issuing tokens of `ttl` seconds, behind a gate.
 */
export async function startSharedIdp(
  clients: number,
  ttl: (clientId: string) => number = () => 3600,
): Promise<SharedIdp> {
  const as = await startAuthServer({
    ttl,
    clients: Array.from({ length: clients }, (_, i) =>
      clientCredentialsClient(`c${i}`, CLIENT_SECRET, { token_endpoint_auth_method: 'client_secret_basic' }),
    ),
  });
  const mints: Mint[] = [];
  as.provider.on('client_credentials.saved', (token: { clientId?: string }) => {
    mints.push({ clientId: String(token.clientId), at: Date.now() });
  });
  let held: (() => void)[] = [];
  let holding = false;
  let requests = 0;
  const forward = async (req: IncomingMessage, body: string) => {
    const headers: Record<string, string> = { 'content-type': String(req.headers['content-type']) };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    return fetch(`${as.issuer}${req.url}`, { method: 'POST', headers, body });
  };
  const gate: LoopbackServer = await startLoopbackServer(async (req, res) => {
    const body = await readBody(req);
    requests++;
    if (holding) await new Promise<void>((r) => held.push(r));
    if (req.socket.destroyed) return; // the caller died while held: never mint for it
    const upstream = await forward(req, body);
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(await upstream.text());
  });
  return {
    tokenEndpoint: `${gate.url}/token`,
    mints,
    mintsOf: (clientId) => mints.filter((m) => m.clientId === clientId).length,
    get requests() {
      return requests;
    },
    get held() {
      return held.length;
    },
    hold() {
      holding = true;
    },
    open() {
      holding = false;
      const r = held;
      held = [];
      for (const f of r) f();
    },
    as,
    close: async () => {
      await gate.close();
      await as.close();
    },
  };
}

/** `credflow.yaml` text with `n` client_credentials credentials `k0`.. using clients `c0`.. */
export function sharedConfig(
  tokenEndpoint: string,
  n: number,
  options: {
    shared?: boolean;
    refreshBeforeExpiry?: string;
    lockTtl?: string;
    waitTimeout?: string;
    timeout?: string;
  } = {},
): string {
  const lines: string[] = [];
  if (options.shared !== false) {
    lines.push(
      'cache:',
      '  shared:',
      '    type: redis',
      '    url: { env: CREDFLOW_REDIS_URL }',
      '    encryptionKey: { secret: CACHE_KEY }',
      ...(options.lockTtl ? [`    lockTtl: ${options.lockTtl}`] : []),
      ...(options.waitTimeout ? [`    waitTimeout: ${options.waitTimeout}`] : []),
      ...(options.timeout ? [`    timeout: ${options.timeout}`] : []),
    );
  }
  lines.push('credentials:');
  for (let i = 0; i < n; i++) {
    lines.push(
      `  k${i}:`,
      '    type: client_credentials',
      `    tokenEndpoint: ${tokenEndpoint}`,
      `    clientId: c${i}`,
      '    clientSecret: { secret: CLIENT_SECRET }',
      ...(options.refreshBeforeExpiry ? [`    cache: { refreshBeforeExpiry: ${options.refreshBeforeExpiry} }`] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}
