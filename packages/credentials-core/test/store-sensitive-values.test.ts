import { readFileSync } from 'node:fs';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenEndpointError } from '../src/errors.js';
import { EnvSecretProvider } from '../src/secrets/env-provider.js';
import { CredentialStore } from '../src/store.js';

const SECRET = 'store-sensitive-secret-0123456789';
const KEY = readFileSync(new URL('./fixtures/keys/rsa-pkcs1.pem', import.meta.url), 'utf8');
const env = {
  SECRET_S: Buffer.from(SECRET).toString('base64'),
  SECRET_KEY: Buffer.from(KEY).toString('base64'),
};

/** What the echo server received, per request. */
const received: { authorization?: string; form: URLSearchParams }[] = [];
let echo: LoopbackServer;

beforeAll(async () => {
  // Answers each token request with an RFC 6749 error that quotes what it was sent.
  echo = await startLoopbackServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    const authorization = req.headers.authorization;
    received.push({ ...(authorization ? { authorization } : {}), form });
    sendJson(res, 400, {
      error: 'invalid_client',
      error_description: `you sent ${authorization ?? ''} ${form.get('client_secret') ?? ''} ${form.get('client_assertion') ?? ''}`,
    });
  });
});
afterAll(() => echo?.close());

const store = (def: string) =>
  CredentialStore.fromYaml(`credentials:\n  k: ${def}\n`, {
    secretProviders: [new EnvSecretProvider({ env })],
    retry: { maxAttempts: 1 },
  });

async function failure(s: CredentialStore): Promise<TokenEndpointError> {
  const err = await s.getToken('k').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TokenEndpointError);
  return err as TokenEndpointError;
}

describe('sensitive values: reported the moment they are made, masked in the store errors', () => {
  it('client_secret_basic: the secret, the header and the id:secret pair', async () => {
    const s = store(
      `{ type: client_credentials, tokenEndpoint: "${echo.url}/t", clientId: "my client", clientSecret: { secret: S } }`,
    );
    const heard: string[] = [];
    s.onSensitiveValue((v) => heard.push(v));
    const err = await failure(s);
    const header = received.at(-1)?.authorization ?? '';
    expect(header).toMatch(/^Basic /);
    expect(heard).toEqual(expect.arrayContaining([SECRET, header, `my+client:${SECRET}`]));
    expect(err.message).toContain('invalid_client (you sent ****** ');
    expect(err.message).not.toContain(header.slice(6, 30));
    expect(err.error_description).not.toContain(SECRET);
    expect(err.stack).not.toContain(header.slice(6, 30));
  });

  it('private_key_jwt: the assertion as it is signed', async () => {
    const s = store(
      `{ type: private_key_jwt, tokenEndpoint: "${echo.url}/t", clientId: c, privateKey: { secret: KEY } }`,
    );
    const heard: string[] = [];
    s.onSensitiveValue((v) => heard.push(v));
    const err = await failure(s);
    const assertion = received.at(-1)?.form.get('client_assertion') ?? '';
    expect(assertion.split('.')).toHaveLength(3);
    expect(heard).toContain(assertion);
    expect(heard).toContain(KEY);
    expect(err.message).not.toContain(assertion.slice(0, 40));
    expect(err.message).toContain('******');
  });

  it('registerSensitive reaches every listener', () => {
    const s = store(
      `{ type: client_credentials, tokenEndpoint: "${echo.url}/t", clientId: c, clientSecret: { secret: S } }`,
    );
    const heard: string[] = [];
    const stop = s.onSensitiveValue((v) => heard.push(v));
    s.registerSensitive('computed-header-value');
    stop();
    s.registerSensitive('after-unsubscribe');
    expect(heard).toEqual(['computed-header-value']);
  });

  it('masks a secret echoed in scope before splitting it (a secret holding spaces stays whole)', async () => {
    const spaced = 'has some  spaces\tin it 0123';
    const scopeEcho = await startLoopbackServer(async (req, res) => {
      const form = new URLSearchParams(await readBody(req));
      sendJson(res, 200, {
        access_token: 'at-0123456789',
        token_type: 'Bearer',
        scope: `api:read ${form.get('client_secret')}`,
      });
    });
    try {
      const s = CredentialStore.fromYaml(
        `credentials:\n  k: { type: client_credentials, tokenEndpoint: "${scopeEcho.url}/t", clientId: c, clientSecret: { secret: SP }, clientAuthMethod: client_secret_post }\n`,
        { secretProviders: [new EnvSecretProvider({ env: { SECRET_SP: Buffer.from(spaced).toString('base64') } })] },
      );
      expect((await s.test('k')).scopes).toEqual(['api:read', '******']);
    } finally {
      await scopeEcho.close();
    }
  });

  it('shows a long error_description not at all rather than cut short', async () => {
    const long = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      sendJson(res, 400, { error: 'invalid_request', error_description: `${'x'.repeat(990)}${SECRET}` });
    });
    try {
      const s = store(
        `{ type: client_credentials, tokenEndpoint: "${long.url}/t", clientId: c, clientSecret: { secret: S } }`,
      );
      const err = await failure(s);
      expect(err.message).toContain('(1023 characters, not shown)');
      expect(err.message).not.toContain(SECRET.slice(0, 10));
    } finally {
      await long.close();
    }
  });
});
