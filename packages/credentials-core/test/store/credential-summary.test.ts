import { describe, expect, it } from 'vitest';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';

// Review of issue 26: `credentials list` and the UI's list printed a token endpoint in full, query string
// included, where an operator had put a client secret (`?client_secret=…`).
describe('credential summaries', () => {
  it('show an endpoint without its query string or fragment (user info is refused at load)', () => {
    const store = CredentialStore.fromYaml(`credentials:
  q: { type: client_credentials, tokenEndpoint: "https://idp.example/token?client_secret=query-secret-value-42", clientId: c, clientSecret: { secret: S } }
  f: { type: client_credentials, tokenEndpoint: "https://idp.example/t#frag", clientId: c, clientSecret: { secret: S } }
  plain: { type: client_credentials, tokenEndpoint: "https://idp.example/oauth/token", clientId: c, clientSecret: { secret: S } }
`);
    const shown = Object.fromEntries(store.list().map((c) => [c.key, c.endpoint]));
    expect(shown).toEqual({
      q: 'https://idp.example/token',
      f: 'https://idp.example/t',
      plain: 'https://idp.example/oauth/token',
    });
  });

  it('store.test() reports the endpoint it used the same way', async () => {
    const { startLoopbackServer, sendJson } = await import('@credflow/testkit');
    const server = await startLoopbackServer((_q, res) =>
      sendJson(res, 200, { access_token: 'summary-test-token-0123', token_type: 'Bearer', expires_in: 3600 }),
    );
    try {
      const store = CredentialStore.fromYaml(
        `credentials:\n  q: { type: client_credentials, tokenEndpoint: "${server.url}/token?client_secret=query-secret-value-42", clientId: c, clientSecret: { secret: S } }\n`,
        {
          secretProviders: [
            new EnvSecretProvider({ env: { SECRET_S: Buffer.from('s3cret-value').toString('base64') } }),
          ],
        },
      );
      const info = await store.test('q');
      expect(info.endpoint).toBe(`${server.url}/token`);
      expect(JSON.stringify(info)).not.toContain('query-secret-value-42');
    } finally {
      await server.close();
    }
  });

  it('a token error names the endpoint without its query string (review N3)', async () => {
    const { startLoopbackServer, sendJson } = await import('@credflow/testkit');
    const server = await startLoopbackServer((_q, res) => sendJson(res, 400, { error: 'invalid_client' }));
    try {
      const store = CredentialStore.fromYaml(
        `credentials:\n  q: { type: client_credentials, tokenEndpoint: "${server.url}/token?client_secret=query-secret-value-42", clientId: c, clientSecret: { secret: S } }\n`,
        {
          secretProviders: [
            new EnvSecretProvider({ env: { SECRET_S: Buffer.from('s3cret-value').toString('base64') } }),
          ],
        },
      );
      const err = (await store.getToken('q').catch((e: unknown) => e)) as Error & { endpoint: string };
      expect(err.message).toContain(`(endpoint ${server.url}/token)`);
      expect(err.endpoint).toBe(`${server.url}/token`);
      expect(JSON.stringify({ message: err.message, stack: err.stack, endpoint: err.endpoint })).not.toContain(
        'query-secret',
      );
    } finally {
      await server.close();
    }
  });
});
