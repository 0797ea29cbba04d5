import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * A certificate authority made in memory for tests and the demo: P-256 keys
 * from node:crypto, X.509 v3 certificates written as DER by hand (RFC 5280
 * section 4.1), signed ecdsa-with-SHA256. Nothing is written to disk, so no
 * certificate is ever committed: each run makes its own.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 */

/** A certificate and its private key, both PEM. */
export interface TestCertificate {
  cert: string;
  key: string;
  /** base64url SHA-256 of the DER certificate (RFC 8705 section 3.1 `x5t#S256`). */
  thumbprint: string;
}

export interface IssueOptions {
  commonName: string;
  /** `serverAuth` (with subjectAltName for `hosts`) or `clientAuth`. */
  usage: 'server' | 'client';
  /** DNS names and IP addresses for subjectAltName. */
  hosts?: string[];
  /** Validity window; default: from one hour ago for 30 days. */
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestCa {
  /** The CA certificate (PEM): what a client or server trusts. */
  cert: string;
  issue(options: IssueOptions): TestCertificate;
}

// --- DER (X.690) -----------------------------------------------------------

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, (v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(text: string): Buffer {
  const [a = 0, b = 0, ...rest] = text.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  // RFC 5280 section 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function altNames(hosts: string[]): Buffer {
  return seq(
    ...hosts.map((h) => {
      const family = isIP(h);
      if (family === 4) return tlv(0x87, Buffer.from(h.split('.').map(Number)));
      if (family === 6) throw new Error('test CA: IPv6 subjectAltName is not supported');
      return tlv(0x82, Buffer.from(h));
    }),
  );
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

interface CertificateInput {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerKeyId: Buffer;
  ca: boolean;
  usage?: 'server' | 'client';
  hosts?: string[];
  notBefore: Date;
  notAfter: Date;
}

function certificate(c: CertificateInput): Buffer {
  const extensions = [
    extension('2.5.29.19', true, seq(...(c.ca ? [bool(true)] : []))),
    // keyUsage: keyCertSign + cRLSign for the CA, digitalSignature otherwise.
    extension('2.5.29.15', true, c.ca ? bits(Buffer.from([0x06]), 1) : bits(Buffer.from([0x80]), 7)),
    extension('2.5.29.14', false, octets(keyId(c.publicKey))),
    extension('2.5.29.35', false, seq(tlv(0x80, c.issuerKeyId))),
  ];
  if (c.usage) {
    extensions.push(extension('2.5.29.37', false, seq(oid(`1.3.6.1.5.5.7.3.${c.usage === 'server' ? 1 : 2}`))));
  }
  if (c.hosts?.length) extensions.push(extension('2.5.29.17', false, altNames(c.hosts)));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ECDSA_SHA256,
    name(c.issuer),
    seq(time(c.notBefore), time(c.notAfter)),
    name(c.subject),
    c.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...extensions)),
  );
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, c.signingKey)));
}

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const window = (o: { notBefore?: Date; notAfter?: Date }) => ({
  notBefore: o.notBefore ?? new Date(Date.now() - 3_600_000),
  notAfter: o.notAfter ?? new Date(Date.now() + 30 * 86_400_000),
});
const thumbprint = (der: Buffer) => createHash('sha256').update(der).digest('base64url');
const keyPem = (k: KeyObject) => String(k.export({ type: 'pkcs8', format: 'pem' }));

/** Makes a fresh CA; `issue` signs server or client certificates with it. */
export function createTestCa(commonName = 'credflow test CA'): TestCa {
  const { privateKey, publicKey } = p256();
  const caKeyId = keyId(publicKey);
  const der = certificate({
    subject: commonName,
    issuer: commonName,
    publicKey,
    signingKey: privateKey,
    issuerKeyId: caKeyId,
    ca: true,
    ...window({}),
  });
  return {
    cert: toPem(der),
    issue(o) {
      const pair = p256();
      const leaf = certificate({
        subject: o.commonName,
        issuer: commonName,
        publicKey: pair.publicKey,
        signingKey: privateKey,
        issuerKeyId: caKeyId,
        ca: false,
        usage: o.usage,
        ...(o.hosts ? { hosts: o.hosts } : {}),
        ...window(o),
      });
      return { cert: toPem(leaf), key: keyPem(pair.privateKey), thumbprint: thumbprint(leaf) };
    },
  };
}

/** A self-signed client certificate (RFC 8705 section 2.2 `self_signed_tls_client_auth`). */
export function selfSignedClientCertificate(commonName: string): TestCertificate {
  const { privateKey, publicKey } = p256();
  const der = certificate({
    subject: commonName,
    issuer: commonName,
    publicKey,
    signingKey: privateKey,
    issuerKeyId: keyId(publicKey),
    ca: false,
    usage: 'client',
    ...window({}),
  });
  return { cert: toPem(der), key: keyPem(privateKey), thumbprint: thumbprint(der) };
}

/** The public JWK of a certificate's key with its `x5c` (what a self-signed mTLS client registers). */
export function certificateJwk(pem: string): Record<string, unknown> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  return { ...jwk, x5c: [der.toString('base64')] };
}
