import type { GrantResult } from '../grant.js';
import type { PreparedClient } from './client-authentication.js';

/**
 * What a grant result says about certificate binding (RFC 8705 section 3):
 * a JWT access token's `cnf.x5t#S256` must be the presented certificate's
 * (else the token is useless and refused); an opaque token is reported bound
 * when the server advertises certificate-bound tokens.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 */
export function certificateBinding(
  accessToken: string,
  prepared: PreparedClient,
): Pick<GrantResult, 'certificateThumbprint' | 'certificateBound'> | { mismatch: true } {
  const cert = prepared.certificate;
  if (!cert) return {};
  const cnf = jwtCnf(accessToken);
  if (cnf !== undefined) {
    if (cnf !== cert.thumbprint) return { mismatch: true };
    return { certificateThumbprint: cert.thumbprint, certificateBound: true };
  }
  return {
    certificateThumbprint: cert.thumbprint,
    ...(prepared.metadata ? { certificateBound: prepared.metadata.certificateBoundTokens } : {}),
  };
}

/** `cnf.x5t#S256` of a JWT access token, without verifying it (we are its bearer). */
function jwtCnf(token: string): string | undefined {
  const part = token.split('.')[1];
  if (token.split('.').length !== 3 || !part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { cnf?: Record<string, unknown> };
    const v = payload.cnf?.['x5t#S256'];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
