import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenEndpointError } from '../../../src/errors.js';
import { type HttpsIdp, startHttpsIdp } from '../../helpers/https-idp.js';

let idp: HttpsIdp;
beforeAll(async () => {
  idp = await startHttpsIdp();
});
afterAll(() => idp?.as.close());

const def = (clientId: string, extra = '') => `  k:
    type: client_credentials
    tokenEndpoint: ${idp.as.tokenEndpoint}
    caCertificate: { secret: TEST_CA }
    clientId: ${clientId}
    clientSecret: { secret: JWT_SECRET }
    clientAuthMethod: client_secret_jwt
    scopes: [api:read]
${extra}`;

describe('client_secret_jwt (RFC 7523 section 2.2) against oidc-provider over HTTPS', () => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    it(`mints with ${alg}: introspection says active for that client, and the secret never left`, async () => {
      const s = idp.store(def(`jwt-${alg}`, `    algorithm: ${alg}\n`));
      const sent: string[] = [];
      s.onSensitiveValue((v) => sent.push(v));
      const token = await s.getToken('k');
      const info = await idp.as.introspect(token);
      expect(info).toMatchObject({ active: true, client_id: `jwt-${alg}`, scope: 'api:read' });
      const assertion = sent.find((v) => v.split('.').length === 3 && decodeProtectedHeader(v).alg === alg);
      expect(assertion).toBeDefined();
      const claims = decodeJwt(assertion ?? '');
      expect(claims).toMatchObject({ iss: `jwt-${alg}`, sub: `jwt-${alg}`, aud: idp.as.tokenEndpoint });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
      expect(typeof claims.jti).toBe('string');
    });
  }

  it('fails clearly with invalid_client when the algorithm is not the registered one', async () => {
    const s = idp.store(def('jwt-HS256', '    algorithm: HS512\n'));
    const err = await s.getToken('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_client', status: 401 });
  });

  it('fails with invalid_client when the secret is wrong, and the message holds neither secret nor assertion', async () => {
    const s = idp.store(def('jwt-HS256').replace('JWT_SECRET', 'CC_SECRET'));
    const sent: string[] = [];
    s.onSensitiveValue((v) => sent.push(v));
    const err = (await s.getToken('k').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err.error).toBe('invalid_client');
    for (const v of sent) expect(err.message).not.toContain(v);
  });

  it('refuses a client_secret_jwt definition without clientSecret at load', () => {
    expect(() =>
      idp.store(`  k:
    type: client_credentials
    tokenEndpoint: ${idp.as.tokenEndpoint}
    clientId: jwt-HS256
    clientAuthMethod: client_secret_jwt
`),
    ).toThrow(/credentials\.k\.clientSecret: is required with clientAuthMethod client_secret_jwt/);
  });
});
