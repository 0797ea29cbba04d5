import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyError, TokenEndpointError } from '../../../src/errors.js';
import { clearDiscoveryCache } from '../../../src/http/discovery.js';
import { type HttpsIdp, startHttpsIdp } from '../../helpers/https-idp.js';

let idp: HttpsIdp;
beforeAll(async () => {
  idp = await startHttpsIdp();
});
afterAll(() => idp?.as.close());
beforeEach(() => clearDiscoveryCache());

const mtls = (o: { clientId: string; method?: string; cert: string; where?: string }) => `  k:
    type: client_credentials
    ${o.where ?? `issuer: ${idp.as.issuer}`}
    caCertificate: { secret: TEST_CA }
    clientId: ${o.clientId}
${o.method ? `    clientAuthMethod: ${o.method}\n` : ''}    certificate: { secret: ${o.cert}_CERT }
    privateKey: { secret: ${o.cert}_KEY }
    scopes: [api:read]
`;

describe('mTLS client authentication (RFC 8705) against oidc-provider over HTTPS', () => {
  it('tls_client_auth: a CA-issued certificate mints a token bound to it (introspection: active, cnf x5t#S256)', async () => {
    const s = idp.store(mtls({ clientId: 'mtls-pki', method: 'tls_client_auth', cert: 'PKI' }));
    const info = await s.test('k');
    // Discovery sent the request to the mTLS alias (mtls_endpoint_aliases.token_endpoint).
    expect(info.endpoint).toBe(idp.as.mtlsTokenEndpoint);
    expect(info).toMatchObject({ certificateThumbprint: idp.pki.thumbprint, certificateBound: true });
    const token = await s.getToken('k');
    const introspection = await idp.as.introspect(token);
    expect(introspection).toMatchObject({
      active: true,
      client_id: 'mtls-pki',
      cnf: { 'x5t#S256': idp.pki.thumbprint },
    });
  });

  it('self_signed_tls_client_auth: the registered self-signed certificate is chosen by default from the metadata', async () => {
    // No clientAuthMethod: the certificate is self-signed, the server advertises self_signed_tls_client_auth.
    const s = idp.store(mtls({ clientId: 'mtls-self', cert: 'SELF' }));
    const token = await s.getToken('k');
    const introspection = await idp.as.introspect(token);
    expect(introspection).toMatchObject({
      active: true,
      client_id: 'mtls-self',
      cnf: { 'x5t#S256': idp.selfSigned.thumbprint },
    });
  });

  it('the store hands the Request task the same certificate (clientTls), never the key', async () => {
    const s = idp.store(mtls({ clientId: 'mtls-pki', method: 'tls_client_auth', cert: 'PKI' }));
    const tls = await s.clientTls('k');
    expect(tls?.thumbprint).toBe(idp.pki.thumbprint);
    expect(Object.keys(tls ?? {}).sort()).toEqual(['dispatcher', 'thumbprint']);
    const plain = idp.store(`  k:
    type: client_credentials
    tokenEndpoint: ${idp.as.tokenEndpoint}
    clientId: basic-client
    clientSecret: { secret: CC_SECRET }
`);
    expect(await plain.clientTls('k')).toBeUndefined();
  });

  it('fails with invalid_client for a certificate from a CA the server does not trust (wrong cert)', async () => {
    const s = idp.store(mtls({ clientId: 'mtls-pki', method: 'tls_client_auth', cert: 'STRANGER' }));
    const err = (await s.getToken('k').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_client' });
    expect(idp.as.errorDetails.at(-1)).toBe('client certificate was not verified');
  });

  it('fails with invalid_client when the self-signed certificate is not the registered one', async () => {
    const s = idp.store(mtls({ clientId: 'mtls-self', method: 'self_signed_tls_client_auth', cert: 'PKI' }));
    const err = (await s.getToken('k').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err).toMatchObject({ error: 'invalid_client' });
    expect(idp.as.errorDetails.at(-1)).toBe('unregistered client certificate provided');
  });

  it('without the mTLS alias (plain token endpoint, no certificate asked) the server says no certificate came', async () => {
    const s = idp.store(
      mtls({
        clientId: 'mtls-pki',
        method: 'tls_client_auth',
        cert: 'PKI',
        where: `tokenEndpoint: ${idp.as.tokenEndpoint}`,
      }),
    );
    const err = (await s.getToken('k').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err).toMatchObject({ error: 'invalid_client' });
    expect(idp.as.errorDetails.at(-1)).toBe('client certificate was not provided');
  });

  it('refuses an untrusted server certificate without retrying, naming caCertificate', async () => {
    const s = idp.store(
      mtls({
        clientId: 'mtls-pki',
        method: 'tls_client_auth',
        cert: 'PKI',
        where: `tokenEndpoint: ${idp.as.mtlsTokenEndpoint}`,
      }).replace('    caCertificate: { secret: TEST_CA }\n', ''),
      { retry: { maxAttempts: 3, baseDelayMs: 1 } },
    );
    const err = (await s.getToken('k').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err.code).toBe('ERR_TOKEN_NETWORK');
    expect(err.message).toContain("the server's certificate is not trusted (for a private CA, set caCertificate)");
    expect(err.message).not.toContain('after');
  });

  it('refuses a certificate that does not belong to privateKey before any request', async () => {
    const before = idp.as.mints;
    const s = idp.store(
      mtls({ clientId: 'mtls-pki', method: 'tls_client_auth', cert: 'PKI' }).replace('PKI_KEY', 'SELF_KEY'),
    );
    const err = await s.getToken('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyError);
    expect((err as Error).message).toBe(
      "credential 'k': certificate does not belong to privateKey (its public key differs)",
    );
    expect(idp.as.mints).toBe(before);
  });

  it('refuses at load an mTLS method without certificate, and a certificate without privateKey', () => {
    expect(() =>
      idp.store(`  k:
    type: client_credentials
    tokenEndpoint: ${idp.as.tokenEndpoint}
    clientId: mtls-pki
    clientAuthMethod: tls_client_auth
`),
    ).toThrow(/credentials\.k\.certificate: is required with clientAuthMethod tls_client_auth \(RFC 8705\)/);
    expect(() =>
      idp.store(`  k:
    type: client_credentials
    tokenEndpoint: ${idp.as.tokenEndpoint}
    clientId: mtls-pki
    certificate: { secret: PKI_CERT }
`),
    ).toThrow(/credentials\.k\.privateKey: is required with certificate/);
  });
});
