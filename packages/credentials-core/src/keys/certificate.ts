import { createHash, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { KeyError } from '../errors.js';

/** JWS certificate thumbprint headers. */
export interface Thumbprints {
  /** base64url SHA-256 of the DER certificate (RFC 7515 section 4.1.8). */
  'x5t#S256': string;
  /** base64url SHA-1 of the DER certificate (RFC 7515 section 4.1.7); Microsoft Entra still reads it. */
  x5t: string;
}

/**
 * Thumbprints of a PEM certificate, after checking that it holds the public
 * half of `privateKey` (when credflow has the key; an external signer's key
 * it cannot see).
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-4.1.7
 */
export function certificateThumbprints(
  pem: string,
  privateKey: KeyObject | undefined,
  credential: string,
): Thumbprints {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem.trim().replace(/\\n/g, '\n'));
  } catch {
    throw new KeyError(credential, 'certificate is not a PEM X.509 certificate');
  }
  const certKey = cert.publicKey.export({ format: 'jwk' });
  const ownKey = privateKey ? createPublicKey(privateKey).export({ format: 'jwk' }) : certKey;
  if (JSON.stringify(certKey) !== JSON.stringify(ownKey)) {
    throw new KeyError(credential, 'certificate does not belong to privateKey (its public key differs)');
  }
  return {
    'x5t#S256': createHash('sha256').update(cert.raw).digest('base64url'),
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
  };
}
