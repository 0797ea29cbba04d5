import { createHash } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HttpsAuthServer } from './https-auth-server.js';
import { sendJson } from './loopback-server.js';

export interface MtlsProtectedApi {
  /** `https://127.0.0.1:PORT` (certificate from the auth server's CA). */
  url: string;
  close(): Promise<void>;
}

/**
 * A resource server for certificate-bound tokens (RFC 8705 section 3):
 * `GET /api/mtls/ping` introspects the bearer token at the HTTPS auth server
 * and, when the token carries `cnf.x5t#S256`, accepts it only over a TLS
 * connection presenting that certificate; 401 otherwise.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 */
export async function startMtlsProtectedApi(auth: HttpsAuthServer): Promise<MtlsProtectedApi> {
  const cert = auth.ca.issue({ commonName: 'localhost', usage: 'server', hosts: ['localhost', '127.0.0.1'] });
  const server = createServer(
    { cert: cert.cert, key: cert.key, requestCert: true, rejectUnauthorized: false },
    async (req, res) => {
      const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ');
      const unauthorized = (why: string) =>
        sendJson(res, 401, { error: 'invalid_token', why }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      if (new URL(req.url ?? '/', 'https://x').pathname !== '/api/mtls/ping') return sendJson(res, 404, {});
      if (scheme?.toLowerCase() !== 'bearer' || !token) return unauthorized('no bearer token');
      const info = await auth.introspect(token);
      if (!info.active) return unauthorized('token not active');
      const bound = info.cnf?.['x5t#S256'];
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const presented = peer?.raw ? createHash('sha256').update(peer.raw).digest('base64url') : undefined;
      if (bound && bound !== presented) return unauthorized('certificate-bound token without its certificate');
      return sendJson(res, 200, { ok: true, client: info.client_id, bound: Boolean(bound) });
    },
  );
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
