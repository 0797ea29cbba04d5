import type { Dispatcher } from 'undici';
import { DiscoveryError } from '../../errors.js';
import { discoverMetadata, type ServerMetadata } from '../../http/discovery.js';
import type { ClientTls, GrantContext } from '../grant.js';
import type { ClientAuth } from './client-auth.js';
import type { ClientAuthDefinition, ClientAuthMethod } from './client-auth-fields.js';
import { type ClientCertificateInfo, checkClientCertificate } from './client-certificate.js';
import { clientSecretAuth } from './client-secret-auth.js';
import { clientSecretJwt } from './client-secret-jwt.js';
import { noClientAuth } from './no-client-auth.js';
import { type TlsMaterial, tlsAgent } from './tls-agent.js';
import { tlsClientAuth } from './tls-client-auth.js';

/** How one mint authenticates and where it sends its token request. */
export interface PreparedClient {
  endpoint: string;
  method: ClientAuthMethod | 'none' | 'private_key_jwt';
  /** Adds the client's credentials to one attempt's form and headers (a fresh assertion each time). */
  auth: ClientAuth;
  dispatcher?: Dispatcher;
  certificate?: ClientCertificateInfo;
  metadata?: ServerMetadata;
}

/** Order in which credflow picks a method the server advertises, per what the credential holds. */
const SECRET_PREFERENCE: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
];

interface Connection {
  text: string;
  dispatcher: Dispatcher;
  certificate?: ClientCertificateInfo;
}

/**
 * A credential's client authentication, resolved at each mint: reads the
 * TLS material (an undici Agent is made only when it changes), discovers
 * the server's metadata when `issuer` is set (cached in memory), picks the
 * method (the configured one, else one the server advertises that the
 * credential can do), and the endpoint (the mTLS alias when the connection
 * presents a certificate).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
 */
export class ClientAuthentication {
  readonly #def: ClientAuthDefinition;
  readonly #ctx: GrantContext;
  readonly #assertion: ((audience: string) => ClientAuth) | undefined;
  #connection: Connection | undefined;
  /**
   * The `client_secret_basic` authentication made from the secret last read:
   * the same secret read at the next mint gives the same header, so it is
   * encoded once. One entry per credential, keyed by the secret value itself
   * and replaced as soon as the value read differs (a rotated secret).
   */
  #basic: { clientId: string; secret: string; auth: ClientAuth } | undefined;

  /**
   * `assertion`: the credential signs its own client assertion
   * (`private_key_jwt`, RFC 7523 section 2.2), given the token endpoint as audience.
   */
  constructor(def: ClientAuthDefinition, ctx: GrantContext, assertion?: (audience: string) => ClientAuth) {
    this.#def = def;
    this.#ctx = ctx;
    this.#assertion = assertion;
  }

  /** The connection's TLS client identity and trust, when the credential has either. */
  async connection(): Promise<Connection | undefined> {
    const def = this.#def;
    if (!def.certificate && !def.caCertificate) return undefined;
    const material: TlsMaterial = {};
    if (def.certificate && def.privateKey) {
      material.cert = await this.#ctx.secrets.resolve(def.certificate);
      material.key = await this.#ctx.secrets.resolve(def.privateKey);
    }
    if (def.caCertificate) material.ca = await this.#ctx.secrets.resolve(def.caCertificate, { sensitive: false });
    const text = JSON.stringify(material);
    const now = this.#ctx.clock.wallNow();
    const previous = this.#connection;
    if (previous?.text === text) {
      // Checked again for expiry: a certificate that expired since it was loaded is refused clearly.
      if (material.cert && material.key) checkClientCertificate(material.cert, material.key, this.#ctx.credential, now);
      return previous;
    }
    const certificate =
      material.cert && material.key
        ? checkClientCertificate(material.cert, material.key, this.#ctx.credential, now)
        : undefined;
    const connection: Connection = {
      text,
      dispatcher: await tlsAgent(material),
      ...(certificate ? { certificate } : {}),
    };
    this.#connection = connection;
    // Requests in flight on the old agent finish; it then closes.
    previous?.dispatcher.close().catch(() => {});
    return connection;
  }

  /** The TLS client identity, for a Request task that must present the same certificate. */
  async clientTls(): Promise<ClientTls | undefined> {
    const c = await this.connection();
    return c?.certificate ? { dispatcher: c.dispatcher, thumbprint: c.certificate.thumbprint } : undefined;
  }

  async prepare(options: { allowNone: boolean }): Promise<PreparedClient> {
    const def = this.#def;
    const ctx = this.#ctx;
    // connection() has nothing to read for a credential without TLS material: not even awaited then.
    const connection = def.certificate || def.caCertificate ? await this.connection() : undefined;
    const metadata = def.issuer
      ? await discoverMetadata(def.issuer, {
          credential: ctx.credential,
          timeoutMs: def.timeout,
          now: ctx.clock.now(),
          ...(connection ? { dispatcher: connection.dispatcher } : {}),
        })
      : undefined;
    const method = this.#assertion
      ? 'private_key_jwt'
      : this.#method(metadata, connection?.certificate, options.allowNone);
    const mtls = connection?.certificate !== undefined;
    const endpoint =
      def.tokenEndpoint ?? (mtls ? (metadata?.mtlsTokenEndpoint ?? metadata?.tokenEndpoint) : metadata?.tokenEndpoint);
    if (!endpoint) throw new DiscoveryError(ctx.credential, def.issuer ?? '', 'no token endpoint');
    // Read per mint, so a rotated secret is picked up on the next token.
    const secret =
      def.clientSecret && this.#sendsSecret(method) ? await ctx.secrets.resolve(def.clientSecret) : undefined;
    const prepared: PreparedClient = { endpoint, method, auth: this.#auth(method, endpoint, secret) };
    if (connection) prepared.dispatcher = connection.dispatcher;
    if (connection?.certificate) prepared.certificate = connection.certificate;
    if (metadata) prepared.metadata = metadata;
    return prepared;
  }

  #method(
    metadata: ServerMetadata | undefined,
    certificate: ClientCertificateInfo | undefined,
    allowNone: boolean,
  ): ClientAuthMethod | 'none' {
    const def = this.#def;
    if (def.clientAuthMethod) return def.clientAuthMethod;
    const candidates: readonly ClientAuthMethod[] = def.clientSecret
      ? SECRET_PREFERENCE
      : certificate
        ? certificate.selfSigned
          ? ['self_signed_tls_client_auth', 'tls_client_auth']
          : ['tls_client_auth', 'self_signed_tls_client_auth']
        : [];
    if (candidates.length === 0) {
      if (allowNone) return 'none';
      throw new DiscoveryError(this.#ctx.credential, def.issuer ?? '', 'has neither clientSecret nor certificate');
    }
    // RFC 8414 section 2: no list means client_secret_basic only.
    if (!metadata) return candidates[0] as ClientAuthMethod;
    const advertised = metadata.authMethods ?? ['client_secret_basic'];
    const pick = candidates.find((m) => advertised.includes(m));
    if (pick) return pick;
    throw new DiscoveryError(
      this.#ctx.credential,
      metadata.issuer,
      `the server advertises none of the client authentication methods this credential can use (it can: ${candidates.join(', ')}; the server: ${advertised.join(', ') || 'none'}): set clientAuthMethod, or the secret or certificate it needs`,
    );
  }

  /** Whether `method` sends the client secret, when the credential has one (read once per mint, before {@link #auth}). */
  #sendsSecret(method: PreparedClient['method']): boolean {
    return (
      this.#assertion === undefined &&
      method !== 'none' &&
      method !== 'tls_client_auth' &&
      method !== 'self_signed_tls_client_auth'
    );
  }

  /** The client authentication of `method`; `secret` is the value read for this mint when {@link #sendsSecret}. */
  #auth(method: PreparedClient['method'], endpoint: string, secret: string | undefined): ClientAuth {
    const def = this.#def;
    const ctx = this.#ctx;
    const clientId = def.clientId ?? '';
    if (this.#assertion) return this.#assertion(endpoint);
    if (method === 'none') return noClientAuth(def.clientId);
    if (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') return tlsClientAuth(clientId);
    if (secret === undefined) return noClientAuth(def.clientId);
    if (method === 'client_secret_jwt') {
      return clientSecretJwt(clientId, secret, {
        algorithm: def.algorithm ?? 'HS256',
        audience: endpoint,
        lifetimeMs: def.assertionLifetime ?? 300_000,
        now: () => ctx.clock.wallNow(),
        sensitive: ctx.sensitive,
      });
    }
    if (method === 'client_secret_post') return clientSecretAuth(method, clientId, secret);
    const basic = this.#basic;
    if (basic !== undefined && basic.secret === secret && basic.clientId === clientId) return basic.auth;
    const auth = clientSecretAuth('client_secret_basic', clientId, secret);
    this.#basic = { clientId, secret, auth };
    return auth;
  }
}
