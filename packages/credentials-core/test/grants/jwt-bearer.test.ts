import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type GoogleTokenServer,
  readBody,
  sendJson,
  startGoogleTokenServer,
  startLoopbackServer,
} from '@credflow/testkit';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { parseConfig } from '../../src/load-config.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';
import { tokenFailure } from '../helpers/token-failure.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/keys/${name}`, import.meta.url), 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const EMAIL = 'robot@project.iam.gserviceaccount.com';
const serviceAccount = {
  type: 'service_account',
  project_id: 'project',
  private_key_id: 'kid-1',
  private_key: fixture('rsa-pkcs8.pem'),
  client_email: EMAIL,
};
const env = { SECRET_GCP_SA: b64(JSON.stringify(serviceAccount)) };

let google: GoogleTokenServer;
beforeAll(async () => {
  const spki = createPublicKey(fixture('rsa-pkcs8.pem')).export({ type: 'spki', format: 'pem' }).toString();
  google = await startGoogleTokenServer({ accounts: { [EMAIL]: spki } });
});
afterAll(() => google?.close());

function store(extra = '', clock?: Clock, endpoint = google.tokenEndpoint) {
  return CredentialStore.fromYaml(
    `credentials:
  gcp:
    type: jwt_bearer
    tokenEndpoint: ${endpoint}
    issuer: { secret: GCP_SA, subkey: client_email }
    privateKey: { secret: GCP_SA, subkey: private_key }
    keyId: { secret: GCP_SA, subkey: private_key_id }
    additionalClaims: { scope: "https://www.googleapis.com/auth/cloud-platform" }
${extra}`,
    { secretProviders: [new EnvSecretProvider({ env })], logger: { warn: () => {} }, ...(clock ? { clock } : {}) },
  );
}

const failure = (p: Promise<unknown>) => tokenFailure(p, [serviceAccount.private_key.split('\n')[1] ?? '']);

describe('jwt_bearer against a Google-style token endpoint', () => {
  it('gets a token for a service account read from one JSON secret', async () => {
    const s = store();
    const at = await s.getAccessToken('gcp');
    expect(at).toMatchObject({ tokenType: 'Bearer', expiresIn: 3599 });
    expect(google.tokenInfo(at.token)).toEqual({ iss: EMAIL, scope: 'https://www.googleapis.com/auth/cloud-platform' });
  });

  it('is rejected with invalid_grant for a wrong audience', async () => {
    const err = await failure(store('    audience: https://oauth2.example.com/token\n').getToken('gcp'));
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_grant', status: 400 });
    expect(err.message).toContain('aud');
  });

  it('is rejected with invalid_grant for an expired assertion', async () => {
    const past: Clock = { now: () => performance.now(), wallNow: () => Date.now() - 2 * 3600_000 };
    const err = await failure(store('', past).getToken('gcp'));
    expect(err).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect(err.error_description).toContain('short-lived token');
  });

  it('is rejected with invalid_grant for an assertion signed by another key', async () => {
    // A key the token server does not know for this account.
    const { generateKeyPairSync } = await import('node:crypto');
    const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    });
    const otherEnv = { SECRET_GCP_SA: b64(JSON.stringify({ ...serviceAccount, private_key: String(fresh) })) };
    const s = CredentialStore.fromYaml(
      `credentials:\n  gcp: { type: jwt_bearer, tokenEndpoint: "${google.tokenEndpoint}", issuer: ${EMAIL}, privateKey: { secret: GCP_SA, subkey: private_key } }\n`,
      { secretProviders: [new EnvSecretProvider({ env: otherEnv })] },
    );
    const err = await failure(s.getToken('gcp'));
    expect(err).toMatchObject({ error: 'invalid_grant' });
    expect(err.message).not.toContain(String(fresh).split('\n')[1]);
  });
});

describe('jwt_bearer request', () => {
  it('sends the grant type, the assertion with every claim, scope and optional client authentication', async () => {
    let form: URLSearchParams | undefined;
    let auth: string | undefined;
    const server = await startLoopbackServer(async (req, res) => {
      form = new URLSearchParams(await readBody(req));
      auth = req.headers.authorization;
      sendJson(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 });
    });
    try {
      const envWithClient = { ...env, SECRET_CS: b64('client-secret-x') };
      const s = CredentialStore.fromYaml(
        `credentials:
  sf:
    type: jwt_bearer
    tokenEndpoint: ${server.url}/services/oauth2/token
    issuer: my-connected-app
    subject: user@example.com
    audience: https://login.example.com
    privateKey: { secret: GCP_SA, subkey: private_key }
    algorithm: PS256
    assertionLifetime: PT3M
    scopes: [api, refresh]
    clientId: my-connected-app
    clientSecret: { secret: CS }
`,
        { secretProviders: [new EnvSecretProvider({ env: envWithClient })] },
      );
      await s.getToken('sf');
      expect(form?.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(form?.get('scope')).toBe('api refresh');
      expect(auth).toBe(`Basic ${b64('my-connected-app:client-secret-x')}`);
      const claims = decodeJwt(form?.get('assertion') ?? '');
      expect(claims).toMatchObject({
        iss: 'my-connected-app',
        sub: 'user@example.com',
        aud: 'https://login.example.com',
      });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(180);
      expect(typeof claims.jti).toBe('string');
    } finally {
      await server.close();
    }
  });
});

describe('jwt_bearer config', () => {
  const base = `credentials:
  g:
    type: jwt_bearer
    tokenEndpoint: https://oauth2.example.com/token
    issuer: a@b
    privateKey: { secret: K }
`;
  it('refuses reserved claims, a plain key, an unknown algorithm, a long assertion lifetime and a secret without client id', () => {
    const issues = (extra: string) => {
      try {
        parseConfig(base + extra);
      } catch (e) {
        return (e as { issues: { path: string; message: string }[] }).issues;
      }
      return [];
    };
    expect(issues('    additionalClaims: { aud: x }\n')[0]?.path).toBe('credentials.g.additionalClaims.aud');
    expect(issues('    algorithm: HS256\n')[0]?.message).toContain('expected one of RS256');
    expect(issues('    assertionLifetime: PT2H\n')[0]?.message).toBe('must be between PT1S and PT1H');
    expect(issues('    clientSecret: { secret: S }\n')[0]).toMatchObject({
      path: 'credentials.g.clientId',
      message: 'is required when clientSecret is set',
    });
    expect(issues('').length).toBe(0);
    expect(() => parseConfig(base.replace('{ secret: K }', '"-----BEGIN PRIVATE KEY-----"'))).toThrow(
      'plain values are not allowed in a sensitive field',
    );
  });
});
