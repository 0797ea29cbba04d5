import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { exportJWK, generateKeyPair, importSPKI, jwtVerify } from 'jose';
import type { ClientMetadata, default as ProviderClass } from 'oidc-provider';
import { filterKnownWarnings } from './auth-server.js';
import { createTestCa, type TestCa } from './test-ca.js';

/** RFC 8693 section 2.1 grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:';

export interface HttpsAuthServerOptions {
  clients: ClientMetadata[];
  /** The CA that signs the server's certificate and trusted client certificates; default: a fresh one. */
  ca?: TestCa;
  /** Lifetime of issued tokens in seconds (default 3600). */
  ttl?: number;
  scopes?: string[];
  /**
   * Answer 404 at RFC 8414's `/.well-known/oauth-authorization-server` (oidc-provider serves both
   * documents), as OpenID-only servers do, so a client must fall back to `/.well-known/openid-configuration`.
   */
  openIdOnly?: boolean;
  /**
   * Enables the RFC 8693 token exchange grant. Subject tokens accepted: an
   * active access token of this server (`...:access_token`), or a JWT
   * (`...:jwt`) signed by `subjectJwtKey` (PEM SPKI) with `iss` = `subjectJwtIssuer`.
   */
  tokenExchange?: { subjectJwtKey?: string; subjectJwtIssuer?: string };
}

/** What one token exchange request held, for tests to check. */
export interface ExchangeRecord {
  clientId: string;
  subjectTokenType: string;
  /** `sub` of the subject token (its client id for an access token). */
  subject: string;
  audience?: string;
  resource?: string[];
  requestedTokenType?: string;
}

/** An RFC 7662 introspection answer. */
export interface Introspection {
  active: boolean;
  client_id?: string;
  scope?: string;
  token_type?: string;
  cnf?: { 'x5t#S256'?: string };
  [claim: string]: unknown;
}

export interface HttpsAuthServer {
  /** `https://127.0.0.1:PORT` (no client certificate asked). */
  issuer: string;
  tokenEndpoint: string;
  /** The mTLS alias of the token endpoint: a second listener that asks for a client certificate. */
  mtlsTokenEndpoint: string;
  ca: TestCa;
  provider: ProviderClass;
  /** Tokens issued so far (client credentials and token exchange). */
  readonly mints: number;
  readonly exchanges: ExchangeRecord[];
  /** Metadata documents fetched, by path. */
  readonly discoveryHits: string[];
  /**
   * oidc-provider's detail of each refused client authentication or grant
   * (`error_detail`: its answer to the client says only `client authentication failed`).
   */
  readonly errorDetails: string[];
  /** Introspection over HTTPS (RFC 7662), as a resource server would, with its own client. */
  introspect(token: string): Promise<Introspection>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const RESOURCE_SERVER = { id: 'credflow-resource-server', secret: `rs-${Math.random().toString(36).slice(2)}-secret` };

/**
 * A real authorization server (oidc-provider 9) over HTTPS on loopback,
 * with what credflow's newer client methods need: `client_secret_jwt`,
 * `private_key_jwt`, mTLS client authentication (RFC 8705: `tls_client_auth`
 * against the test CA, `self_signed_tls_client_auth` against registered
 * certificates) with certificate-bound tokens, `mtls_endpoint_aliases` in its
 * discovery document, and optionally RFC 8693 token exchange. The server
 * certificate is issued by a CA made in memory (`ca.cert` is what a client
 * must trust).
 */
export async function startHttpsAuthServer(options: HttpsAuthServerOptions): Promise<HttpsAuthServer> {
  filterKnownWarnings();
  const ca = options.ca ?? createTestCa();
  const serverCert = ca.issue({ commonName: 'localhost', usage: 'server', hosts: ['localhost', '127.0.0.1'] });
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const discoveryHits: string[] = [];
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/.well-known/')) discoveryHits.push(path);
    if (options.openIdOnly && path.startsWith('/.well-known/oauth-authorization-server')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
      return;
    }
    handler?.(req, res);
  };
  const tls = { cert: serverCert.cert, key: serverCert.key };
  const main = createServer(tls, route);
  // The mTLS listener asks for a certificate but lets the provider decide (self-signed ones included).
  const mtls = createServer({ ...tls, requestCert: true, rejectUnauthorized: false, ca: ca.cert }, route);
  for (const s of [main, mtls]) s.keepAliveTimeout = 1000;
  const issuer = await listen(main);
  const mtlsUrl = await listen(mtls);

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'sig', alg: 'RS256', use: 'sig' };
  const { default: Provider, errors } = await import('oidc-provider');
  const peerCertificate = (ctx: { req: IncomingMessage }): X509Certificate | undefined => {
    const socket = ctx.req.socket as TLSSocket;
    const raw = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    return raw?.raw ? new X509Certificate(raw.raw) : undefined;
  };
  const provider = new Provider(issuer, {
    clients: [
      ...options.clients,
      {
        client_id: RESOURCE_SERVER.id,
        client_secret: RESOURCE_SERVER.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [signingJwk] },
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        selfSignedTlsClientAuth: true,
        getCertificate: (ctx: { req: IncomingMessage }) => peerCertificate(ctx) as never,
        certificateAuthorized: (ctx: { req: IncomingMessage }) => (ctx.req.socket as TLSSocket).authorized === true,
        certificateSubjectMatches: (ctx: { req: IncomingMessage }, property: string, expected: string) =>
          property === 'tls_client_auth_subject_dn' && peerCertificate(ctx)?.subject === expected,
      },
    },
    discovery: {
      mtls_endpoint_aliases: {
        token_endpoint: `${mtlsUrl}/token`,
        introspection_endpoint: `${mtlsUrl}/token/introspection`,
      },
    },
    scopes: ['openid', ...(options.scopes ?? [])],
    clientAuthMethods: [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'tls_client_auth',
      'self_signed_tls_client_auth',
      'none',
    ],
    enabledJWA: { clientAuthSigningAlgValues: ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA'] },
    ttl: { ClientCredentials: () => options.ttl ?? 3600 },
    cookies: { keys: ['credflow-test-cookie-key'] },
  } as never);
  provider.on('server_error', (_ctx: unknown, err: Error) => {
    process.stderr.write(`oidc-provider server_error: ${err.message}\n`);
  });
  const errorDetails: string[] = [];
  const onError = (_ctx: unknown, err: { error_detail?: string; error_description?: string }) => {
    errorDetails.push(err.error_detail ?? err.error_description ?? 'unknown');
  };
  provider.on('grant.error', onError as never);
  provider.on('introspection.error', onError as never);
  let mints = 0;
  provider.on('client_credentials.saved', () => {
    mints++;
  });
  const exchanges: ExchangeRecord[] = [];
  if (options.tokenExchange) {
    const te = options.tokenExchange;
    const jwtKey = te.subjectJwtKey ? await importSPKI(te.subjectJwtKey, 'ES256') : undefined;
    provider.registerGrantType(
      TOKEN_EXCHANGE_GRANT,
      async (ctx) => {
        const p = ctx.oidc.params as Record<string, string | string[] | undefined>;
        const client = ctx.oidc.client;
        if (!client) throw new errors.InvalidClient('client not found');
        const subjectToken = String(p.subject_token ?? '');
        const subjectType = String(p.subject_token_type ?? '');
        let subject: string;
        if (subjectType === `${TOKEN_TYPE}access_token`) {
          const found = await provider.ClientCredentials.find(subjectToken);
          if (!found || found.isExpired) throw new errors.InvalidGrant('subject_token is not an active access token');
          subject = found.clientId ?? '';
        } else if (subjectType === `${TOKEN_TYPE}jwt` && jwtKey) {
          try {
            const { payload } = await jwtVerify(subjectToken, jwtKey, {
              ...(te.subjectJwtIssuer ? { issuer: te.subjectJwtIssuer } : {}),
            });
            subject = String(payload.sub);
          } catch (err) {
            throw new errors.InvalidGrant(`subject_token rejected: ${(err as { code?: string }).code ?? 'invalid'}`);
          }
        } else {
          throw new errors.InvalidRequest('unsupported subject_token_type');
        }
        const resource = p.resource === undefined ? undefined : ([] as string[]).concat(p.resource);
        exchanges.push({
          clientId: client.clientId,
          subjectTokenType: subjectType,
          subject,
          ...(typeof p.audience === 'string' ? { audience: p.audience } : {}),
          ...(resource ? { resource } : {}),
          ...(typeof p.requested_token_type === 'string' ? { requestedTokenType: p.requested_token_type } : {}),
        });
        const token = new provider.ClientCredentials({
          client,
          ...(typeof p.scope === 'string' ? { scope: p.scope } : {}),
        } as never);
        if (client.tlsClientCertificateBoundAccessTokens) {
          const cert = peerCertificate(ctx as never);
          if (!cert) throw new errors.InvalidGrant('mutual TLS client certificate not provided');
          token.setThumbprint('x5t', cert as never);
        }
        const value = await token.save();
        ctx.body = {
          access_token: value,
          issued_token_type: `${TOKEN_TYPE}access_token`,
          token_type: 'Bearer',
          expires_in: token.expiration,
          ...(token.scope ? { scope: token.scope } : {}),
        };
      },
      [
        'subject_token',
        'subject_token_type',
        'actor_token',
        'actor_token_type',
        'requested_token_type',
        'audience',
        'resource',
        'scope',
      ],
      ['resource', 'audience'],
    );
  }
  handler = provider.callback() as unknown as typeof handler;

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    mtlsTokenEndpoint: `${mtlsUrl}/token`,
    ca,
    provider,
    get mints() {
      return mints;
    },
    exchanges,
    discoveryHits,
    errorDetails,
    async introspect(token) {
      const basic = Buffer.from(`${RESOURCE_SERVER.id}:${RESOURCE_SERVER.secret}`).toString('base64');
      const body = await postForm(`${issuer}/token/introspection`, ca.cert, `Basic ${basic}`, { token });
      return JSON.parse(body) as Introspection;
    },
    async close() {
      await Promise.all(
        [main, mtls].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** POSTs a form over HTTPS trusting `ca`; resolves with the body text. */
function postForm(url: string, ca: string, authorization: string, form: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca,
        agent: false,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams(form).toString());
  });
}
