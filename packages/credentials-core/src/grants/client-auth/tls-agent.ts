import type { Dispatcher } from 'undici';

/** TLS material of one credential's connections, as PEM text. */
export interface TlsMaterial {
  /** Client certificate presented to the server (RFC 8705). */
  cert?: string;
  /** Its private key. */
  key?: string;
  /** CA certificate(s) trusted besides the system's (a private PKI). */
  ca?: string;
}

const pemText = (text: string) => text.trim().replace(/\\n/g, '\n');

/**
 * An undici `Agent` for one credential: presents the client certificate
 * (`connect: { cert, key }`), trusts the system CAs plus `ca`. Requests
 * sent through it keep every property of `boundedRequest` (no redirects,
 * timeout, 1 MiB cap): only the connection changes.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export async function tlsAgent(material: TlsMaterial): Promise<Dispatcher> {
  const { Agent } = await import('undici');
  // node:tls loads here, not at start-up: only a `ca` needs its root list.
  const rootCertificates = material.ca ? (await import('node:tls')).rootCertificates : [];
  return new Agent({
    connect: {
      ...(material.cert && material.key ? { cert: pemText(material.cert), key: pemText(material.key) } : {}),
      ...(material.ca ? { ca: [...rootCertificates, pemText(material.ca)] } : {}),
    },
  });
}
