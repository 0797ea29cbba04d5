import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { KeyError } from '../../errors.js';

/** What credflow needs to know of a TLS client certificate; no key material. */
export interface ClientCertificateInfo {
  /** base64url SHA-256 of the DER certificate: the `x5t#S256` a bound token carries (RFC 8705 section 3.1). */
  thumbprint: string;
  /** Issuer and subject are the same and it verifies with its own key (RFC 8705 section 2.2). */
  selfSigned: boolean;
  notAfter: Date;
}

const pemText = (text: string) => text.trim().replace(/\\n/g, '\n');

/**
 * Checks a PEM client certificate and its PEM private key before they are
 * used for mutual TLS: the certificate parses, is within its validity at
 * `now`, and holds the public half of the key. Errors name the field and
 * the problem, never the material.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export function checkClientCertificate(
  certificate: string,
  privateKey: string,
  credential: string,
  now: number,
): ClientCertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pemText(certificate));
  } catch {
    throw new KeyError(credential, 'certificate is not a PEM X.509 certificate');
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: pemText(privateKey), format: 'pem' });
  } catch (err) {
    throw new KeyError(credential, `privateKey (the TLS client key) cannot be imported (${(err as Error).message})`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new KeyError(credential, 'certificate does not belong to privateKey (its public key differs)');
  }
  const notAfter = new Date(cert.validTo);
  if (now > notAfter.getTime()) {
    throw new KeyError(credential, `certificate expired on ${notAfter.toISOString()}: renew it`);
  }
  if (now < new Date(cert.validFrom).getTime()) {
    throw new KeyError(credential, `certificate is not valid before ${new Date(cert.validFrom).toISOString()}`);
  }
  return {
    thumbprint: createHash('sha256').update(cert.raw).digest('base64url'),
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
    notAfter,
  };
}
