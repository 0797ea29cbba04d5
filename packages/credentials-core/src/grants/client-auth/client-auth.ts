import { randomUUID } from 'node:crypto';

/**
 * Client authentication: a function that adds the client's credentials to
 * a token request's form body and headers. Grants do not know which one
 * they were given (the oauth4webapi pattern).
 */
export type ClientAuth = (form: URLSearchParams, headers: Record<string, string>) => void | Promise<void>;

/** `application/x-www-form-urlencoded` encoding of one value (WHATWG URL). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * HTTP Basic with the client id and secret each form-encoded first.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretBasic(clientId: string, clientSecret: string): ClientAuth {
  const credentials = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  return (_form, headers) => {
    headers.authorization = `Basic ${credentials}`;
  };
}

/**
 * Client id and secret in the request body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretPost(clientId: string, clientSecret: string): ClientAuth {
  return (form) => {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  };
}

/** The client authentication a `clientAuthMethod` names. */
export function clientSecretAuth(
  method: 'client_secret_basic' | 'client_secret_post',
  clientId: string,
  clientSecret: string,
): ClientAuth {
  return method === 'client_secret_post'
    ? clientSecretPost(clientId, clientSecret)
    : clientSecretBasic(clientId, clientSecret);
}

/** Public client: only `client_id` in the body (RFC 6749 section 2.1). */
export function noClientAuth(clientId?: string): ClientAuth {
  return (form) => {
    if (clientId) form.set('client_id', clientId);
  };
}

/** RFC 7523 section 2.2 client assertion type. */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt`: the client authenticates with a signed JWT assertion.
 * `makeAssertion` is called per request, so each carries a fresh `jti`.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export function privateKeyJwt(clientId: string, makeAssertion: () => Promise<string>): ClientAuth {
  return async (form) => {
    form.set('client_id', clientId);
    form.set('client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE);
    form.set('client_assertion', await makeAssertion());
  };
}

/** jose loads on first use (start-up of commands that sign nothing stays small). */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** What a `client_secret_jwt` assertion needs besides the secret. */
export interface ClientSecretJwtOptions {
  /** `HS256`, `HS384` or `HS512`. */
  algorithm: 'HS256' | 'HS384' | 'HS512';
  /** `aud`: the token endpoint (or what the server asks for). */
  audience: string;
  lifetimeMs: number;
  /** Wall clock, epoch ms. */
  now(): number;
  /** Hears each assertion before it is sent (for masking). */
  sensitive?: (value: string) => void;
}

/**
 * `client_secret_jwt`: the client authenticates with a JWT assertion MACed
 * with its client secret (`iss` = `sub` = client id, `aud`, `iat`, `exp`, a
 * unique `jti`); the secret itself never leaves. A fresh assertion per
 * request.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export function clientSecretJwt(clientId: string, clientSecret: string, o: ClientSecretJwtOptions): ClientAuth {
  const key = new TextEncoder().encode(clientSecret);
  return privateKeyJwt(clientId, async () => {
    const { SignJWT } = await loadJose();
    const now = Math.floor(o.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: o.algorithm, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(o.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + Math.max(1, Math.round(o.lifetimeMs / 1000)))
      .sign(key);
    o.sensitive?.(assertion);
    return assertion;
  });
}

/**
 * `tls_client_auth` and `self_signed_tls_client_auth`: the TLS client
 * certificate authenticates, so the body carries only `client_id` (required
 * by RFC 8705 section 2). The certificate is presented by the connection
 * (see `tlsAgent`), not by this function.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export function tlsClientAuth(clientId: string): ClientAuth {
  return (form) => {
    form.set('client_id', clientId);
  };
}
