import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecretProvider } from '@credflow/credentials-core';
import {
  certificateJwk,
  createTestCa,
  type HttpsAuthServer,
  selfSignedClientCertificate,
  startHttpsAuthServer,
  TOKEN_EXCHANGE_GRANT,
} from '@credflow/testkit';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_FIELDS } from '../src/page/field-catalogue.js';
import { startUi, type UiServer } from '../src/server/index.js';

// Test connection in the UI for each new method, against oidc-provider over HTTPS with a test CA.
const HS_SECRET = `ui-hs-secret-${'x'.repeat(48)}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
let as: HttpsAuthServer;
let ui: UiServer;
const responses: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  const ca = createTestCa();
  const subjectKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subject = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('system:serviceaccount:ui:test')
    .setExpirationTime('10m')
    .sign(subjectKey.privateKey);
  const pki = ca.issue({ commonName: 'ui-mtls', usage: 'client' });
  const self = selfSignedClientCertificate('ui-self');
  const base = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' };
  as = await startHttpsAuthServer({
    ca,
    scopes: ['api:read'],
    tokenExchange: {
      subjectJwtKey: String(createPublicKey(subjectKey.privateKey).export({ type: 'spki', format: 'pem' })),
    },
    clients: [
      { client_id: 'ui-hs', client_secret: HS_SECRET, token_endpoint_auth_method: 'client_secret_jwt', ...base },
      {
        client_id: 'ui-mtls',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=ui-mtls',
        tls_client_certificate_bound_access_tokens: true,
        ...base,
      },
      {
        client_id: 'ui-self',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [certificateJwk(self.cert)] },
        ...base,
      },
      { client_id: 'ui-basic', client_secret: HS_SECRET, ...base },
      {
        client_id: 'ui-te',
        client_secret: HS_SECRET,
        ...base,
        grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
      },
    ] as never,
  });
  const env = {
    SECRET_CA: b64(ca.cert),
    SECRET_HS: b64(HS_SECRET),
    SECRET_PKI_CERT: b64(pki.cert),
    SECRET_PKI_KEY: b64(pki.key),
    SECRET_SELF_CERT: b64(self.cert),
    SECRET_SELF_KEY: b64(self.key),
    SECRET_SUBJECT: b64(subject),
  };
  secrets.push(HS_SECRET, pki.key, self.key);
  const dir = await mkdtemp(join(tmpdir(), 'credflow-ui-new-'));
  const file = join(dir, 'credflow.yaml');
  await writeFile(
    file,
    `credentials:
  upstream:
    type: client_credentials
    issuer: ${as.issuer}
    caCertificate: { secret: CA }
    clientId: ui-basic
    clientSecret: { secret: HS }
    scopes: [api:read]
`,
  );
  ui = await startUi({
    configPath: file,
    port: 0,
    secretProviders: [new EnvSecretProvider({ env })],
    logger: { warn: () => {} },
  });
});
afterAll(async () => {
  await ui?.close();
  await as?.close();
  const all = responses.join('\n');
  for (const s of secrets) expect(all).not.toContain(s.trim().split('\n')[1] ?? s);
  expect(all).not.toContain(HS_SECRET);
});

async function test(definition: Record<string, unknown>) {
  const res = await fetch(`${ui.origin}/api/test`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-credflow-key': ui.key },
    body: JSON.stringify({ key: 'draft', definition }),
  });
  const text = await res.text();
  responses.push(text);
  return JSON.parse(text) as { ok: boolean; error?: { code: string; error?: string }; tokenType?: string };
}

const discovered = () => ({ issuer: as.issuer, caCertificate: { secret: 'CA' }, scopes: ['api:read'] });

describe('UI Test connection for the new methods', () => {
  it('client_secret_jwt', async () => {
    const r = await test({
      type: 'client_credentials',
      ...discovered(),
      clientId: 'ui-hs',
      clientSecret: { secret: 'HS' },
      clientAuthMethod: 'client_secret_jwt',
      algorithm: 'HS256',
    });
    expect(r).toMatchObject({ ok: true, tokenType: 'Bearer' });
  });

  it('tls_client_auth and self_signed_tls_client_auth (through the mTLS alias of the discovered metadata)', async () => {
    const mtls = (clientId: string, cert: string, method: string) =>
      test({
        type: 'client_credentials',
        ...discovered(),
        clientId,
        clientAuthMethod: method,
        certificate: { secret: `${cert}_CERT` },
        privateKey: { secret: `${cert}_KEY` },
      });
    expect(await mtls('ui-mtls', 'PKI', 'tls_client_auth')).toMatchObject({ ok: true });
    expect(await mtls('ui-self', 'SELF', 'self_signed_tls_client_auth')).toMatchObject({ ok: true });
    expect(await mtls('ui-self', 'PKI', 'self_signed_tls_client_auth')).toMatchObject({
      ok: false,
      error: { code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_client' },
    });
  });

  it('token_exchange of a subject token from a secret (a draft is tested alone, so not of another credential)', async () => {
    const r = await test({
      type: 'token_exchange',
      ...discovered(),
      clientId: 'ui-te',
      clientSecret: { secret: 'HS' },
      subjectToken: { secret: 'SUBJECT' },
    });
    expect(r).toMatchObject({ ok: true });
  });

  it('has form fields for every new field', () => {
    const names = (type: string) => (TYPE_FIELDS[type] ?? []).map((f) => f.name);
    expect(names('client_credentials')).toEqual(
      expect.arrayContaining(['issuer', 'caCertificate', 'clientAuthMethod', 'algorithm', 'certificate', 'privateKey']),
    );
    expect(names('private_key_jwt')).toEqual(expect.arrayContaining(['issuer', 'signer']));
    expect(names('github_app')).toEqual(expect.arrayContaining(['clientId', 'signer']));
    expect(names('token_exchange')).toEqual(
      expect.arrayContaining([
        'subjectToken',
        'subjectCredential',
        'subjectTokenType',
        'requestedTokenType',
        'audience',
      ]),
    );
    const methods = TYPE_FIELDS.client_credentials?.find((f) => f.name === 'clientAuthMethod')?.options;
    expect(methods).toEqual(
      expect.arrayContaining(['client_secret_jwt', 'tls_client_auth', 'self_signed_tls_client_auth']),
    );
  });
});
