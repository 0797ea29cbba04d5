import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type AuthServer,
  type AuthServerOptions,
  readBody,
  sendJson,
  startAuthServer,
  startLoopbackServer,
} from '@credflow/testkit';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenEndpointError } from '../../src/errors.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/keys/${name}`, import.meta.url), 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const publicJwk = async (pem: string, alg: string, kid: string) => ({
  ...(await exportJWK(createPublicKey(pem))),
  alg,
  kid,
  use: 'sig',
});

let as: AuthServer;
let otherKeyPem: string;
const env: Record<string, string> = {
  SECRET_RSA_KEY: b64(fixture('rsa-pkcs1.pem')),
  SECRET_RSA_CERT: b64(fixture('rsa-cert.pem')),
  SECRET_EC_KEY: b64(fixture('ec-p256-sec1.pem')),
};

beforeAll(async () => {
  const other = await generateKeyPair('RS256', { extractable: true });
  otherKeyPem = JSON.stringify(await exportJWK(other.privateKey));
  env.SECRET_OTHER_KEY = b64(otherKeyPem);
  const client = async (id: string, alg: string, pem: string): Promise<AuthServerOptions['clients'][number]> => ({
    client_id: id,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: alg as 'RS256',
    jwks: { keys: [await publicJwk(pem, alg, alg === 'RS256' ? 'rsa-1' : 'ec-1')] },
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api:read',
  });
  as = await startAuthServer({
    scopes: ['api:read'],
    clients: [
      await client('rsa-client', 'RS256', fixture('rsa-pkcs8.pem')),
      await client('ec-client', 'ES256', fixture('ec-p256-pkcs8.pem')),
    ],
  });
});
afterAll(() => as?.close());

function store(yaml: string) {
  return CredentialStore.fromYaml(`credentials:\n${yaml}`, {
    secretProviders: [new EnvSecretProvider({ env })],
    logger: { warn: () => {} },
  });
}

const def = (clientId: string, key: string, alg: string, extra = '') => `  azure:
    type: private_key_jwt
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: ${clientId}
    privateKey: { secret: ${key} }
    algorithm: ${alg}
    scopes: [api:read]
${extra}`;

describe('private_key_jwt against oidc-provider', () => {
  it('gets a token with an RS256 key and certificate that introspects as active', async () => {
    const s = store(def('rsa-client', 'RSA_KEY', 'RS256', '    certificate: { secret: RSA_CERT }\n    keyId: rsa-1\n'));
    const token = await s.getToken('azure');
    expect(await as.introspect(token)).toEqual({ active: true, clientId: 'rsa-client', scope: 'api:read' });
  });

  it('gets a token with an ES256 key', async () => {
    const s = store(def('ec-client', 'EC_KEY', 'ES256'));
    expect(await as.introspect(await s.getToken('azure'))).toMatchObject({ active: true, clientId: 'ec-client' });
  });

  it('mints again with a fresh assertion (unique jti) when the cache is bypassed', async () => {
    const s = store(def('ec-client', 'EC_KEY', 'ES256'));
    const a = await s.test('azure');
    const b = await s.test('azure');
    expect(a.tokenType).toBe('Bearer');
    expect(b.scopes).toEqual(['api:read']);
  });

  it('is rejected with invalid_client when signed by a key the client did not register', async () => {
    const s = store(def('rsa-client', 'OTHER_KEY', 'RS256'));
    const err = (await s.getToken('azure').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_client', status: 401 });
    const text = `${err.message}${err.stack}${JSON.stringify(err)}`;
    expect(text).not.toContain(JSON.parse(otherKeyPem).d);
    expect(text).not.toContain('client_assertion=');
  });

  it('names a key that does not fit the algorithm, without key material', async () => {
    const s = store(def('ec-client', 'RSA_KEY', 'ES256'));
    const err = (await s.getToken('azure').catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      "credential 'azure': privateKey does not fit algorithm ES256: ES256 needs an EC P-256 key, got an RSA key of 2048 bits",
    );
  });
});

describe('private_key_jwt request', () => {
  it('sends client_assertion_type, an assertion with iss = sub = client id and aud = token endpoint, and the scope', async () => {
    let form: URLSearchParams | undefined;
    const server = await startLoopbackServer(async (req, res) => {
      form = new URLSearchParams(await readBody(req));
      sendJson(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 });
    });
    try {
      const endpoint = `${server.url}/tenant/oauth2/v2.0/token`;
      const s = store(`  azure:
    type: private_key_jwt
    tokenEndpoint: ${endpoint}
    clientId: 00000000-aaaa
    privateKey: { secret: RSA_KEY }
    certificate: { secret: RSA_CERT }
    scopes: [api://x/.default]
    assertionLifetime: PT2M
`);
      await s.getToken('azure');
      expect(form?.get('grant_type')).toBe('client_credentials');
      expect(form?.get('client_id')).toBe('00000000-aaaa');
      expect(form?.get('scope')).toBe('api://x/.default');
      expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      const assertion = form?.get('client_assertion') ?? '';
      const claims = decodeJwt(assertion);
      expect(claims).toMatchObject({ iss: '00000000-aaaa', sub: '00000000-aaaa', aud: endpoint });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
      expect(decodeProtectedHeader(assertion)).toHaveProperty('x5t#S256');
      expect(form?.has('audience')).toBe(false);
    } finally {
      await server.close();
    }
  });
});
