import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import type { SecretProvider } from '../../src/secrets/secret-provider.js';
import { CredentialStore } from '../../src/store.js';

// Issue 30, cold mint: with the cache off every call is a token request. What
// a mint derives from the secret (the client_secret_basic header, its parts
// reported for masking, the env variable's decoding) is made once per secret
// value; these tests check that the secret is still read from its provider at
// every mint, that a changed value is used at once, and that what each mint
// sends is still reported to the maskers.

const b64 = (s: string) => Buffer.from(s).toString('base64');
const basicOf = (id: string, secret: string) => `Basic ${b64(`${id}:${secret}`)}`;

let server: LoopbackServer;
/** The Authorization header of each token request, in order. */
const seen: string[] = [];

beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    seen.push(String(req.headers.authorization));
    sendJson(res, 200, { access_token: `cold-token-${seen.length}-abcdef`, token_type: 'Bearer', expires_in: 600 });
  });
});
afterAll(() => server.close());

function coldStore(providers: SecretProvider[], method = 'client_secret_basic') {
  return CredentialStore.fromYaml(
    `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: cold-client, clientSecret: { secret: S }, clientAuthMethod: ${method}, cache: { enabled: false } }\n`,
    { secretProviders: providers, logger: { warn: () => {} } },
  );
}

describe('cold mints (cache off)', () => {
  it('reads the secret from its provider at every mint', async () => {
    let reads = 0;
    const provider: SecretProvider = {
      description: 'counting',
      get: async (name) => {
        reads++;
        return name === 'S' ? 'counted-secret-value' : undefined;
      },
    };
    const store = coldStore([provider]);
    for (let i = 0; i < 5; i++) await store.getToken('api');
    expect(reads).toBe(5);
  });

  it('sends the header of the secret read at each mint: a changed secret at once, and back again', async () => {
    const env: NodeJS.ProcessEnv = { SECRET_S: b64('first-secret-value') };
    const store = coldStore([new EnvSecretProvider({ env })]);
    const from = seen.length;
    await store.getToken('api');
    await store.getToken('api');
    env.SECRET_S = b64('second-secret-value');
    await store.getToken('api');
    env.SECRET_S = b64('first-secret-value');
    await store.getToken('api');
    expect(seen.slice(from)).toEqual([
      basicOf('cold-client', 'first-secret-value'),
      basicOf('cold-client', 'first-secret-value'),
      basicOf('cold-client', 'second-secret-value'),
      basicOf('cold-client', 'first-secret-value'),
    ]);
  });

  it('reports what every mint sends to the maskers, also when the header is the one made before', async () => {
    const env: NodeJS.ProcessEnv = { SECRET_S: b64('reported-secret-value') };
    const store = coldStore([new EnvSecretProvider({ env })]);
    await store.getToken('api');
    // A listener that arrives after the first mint hears everything the next one sends.
    const heard: string[] = [];
    store.onSensitiveValue((v) => heard.push(v));
    const token = await store.getToken('api');
    const header = basicOf('cold-client', 'reported-secret-value');
    expect(heard).toEqual(
      expect.arrayContaining([
        'reported-secret-value',
        header,
        header.slice('Basic '.length),
        'cold-client:reported-secret-value',
        token,
      ]),
    );
    // After a rotation, the new value's forms, never the old ones again.
    heard.length = 0;
    env.SECRET_S = b64('rotated-secret-value');
    await store.getToken('api');
    expect(heard).toEqual(
      expect.arrayContaining([basicOf('cold-client', 'rotated-secret-value'), 'cold-client:rotated-secret-value']),
    );
    expect(heard.some((v) => v.includes('reported-secret-value'))).toBe(false);
  });

  it('sends client_secret_post with the secret read at each mint', async () => {
    const posted: string[] = [];
    const post = await startLoopbackServer(async (req, res) => {
      posted.push(new URLSearchParams(await readBody(req)).get('client_secret') ?? '');
      sendJson(res, 200, { access_token: `post-token-${posted.length}-abcdef`, token_type: 'Bearer', expires_in: 600 });
    });
    try {
      const env: NodeJS.ProcessEnv = { SECRET_S: b64('post-secret-one') };
      const store = CredentialStore.fromYaml(
        `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${post.url}/token", clientId: cold-client, clientSecret: { secret: S }, clientAuthMethod: client_secret_post, cache: { enabled: false } }\n`,
        { secretProviders: [new EnvSecretProvider({ env })], logger: { warn: () => {} } },
      );
      await store.getToken('api');
      env.SECRET_S = b64('post-secret-two');
      await store.getToken('api');
      expect(posted).toEqual(['post-secret-one', 'post-secret-two']);
    } finally {
      await post.close();
    }
  });
});
