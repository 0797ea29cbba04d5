import { randomUUID } from 'node:crypto';
import type { ClientAuth } from './client-auth.js';
import type { HmacAlgorithm } from './client-auth-fields.js';
import { privateKeyJwt } from './private-key-jwt.js';

/** jose loads on first use (start-up of commands that sign nothing stays small). */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** What a `client_secret_jwt` assertion needs besides the secret. */
export interface ClientSecretJwtOptions {
  /** `HS256`, `HS384` or `HS512`. */
  algorithm: HmacAlgorithm;
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
