import { sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscoveryError } from '../../src/errors.js';
import { clearDiscoveryCache, metadataUrls } from '../../src/http/discovery.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';
import { type HttpsIdp, startHttpsIdp } from '../helpers/https-idp.js';
import { answerOffLoopback, OFF_LOOPBACK_ORIGIN } from '../helpers/off-loopback.js';

let idp: HttpsIdp;
let rfc8414: HttpsIdp;
beforeAll(async () => {
  [idp, rfc8414] = await Promise.all([startHttpsIdp({ openIdOnly: true }), startHttpsIdp()]);
});
afterAll(() => Promise.all([idp?.as.close(), rfc8414?.as.close()]));
beforeEach(() => clearDiscoveryCache());

const byIssuer = (issuer: string, extra = '') => `  k:
    type: client_credentials
    issuer: ${issuer}
    caCertificate: { secret: TEST_CA }
    clientId: basic-client
    clientSecret: { secret: CC_SECRET }
    scopes: [api:read]
${extra}`;

describe('discovery (RFC 8414, then OpenID Connect Discovery)', () => {
  it('builds the two well-known URLs, RFC 8414 inserting before the issuer path', () => {
    expect(metadataUrls('https://idp.example.com')).toEqual([
      'https://idp.example.com/.well-known/oauth-authorization-server',
      'https://idp.example.com/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://idp.example.com/tenant/a')).toEqual([
      'https://idp.example.com/.well-known/oauth-authorization-server/tenant/a',
      'https://idp.example.com/tenant/a/.well-known/openid-configuration',
    ]);
  });

  it('falls back to the OpenID configuration when RFC 8414 metadata is absent, and test() names the endpoint', async () => {
    const before = idp.as.discoveryHits.length;
    const s = idp.store(byIssuer(idp.as.issuer));
    const info = await s.test('k');
    expect(info.endpoint).toBe(idp.as.tokenEndpoint);
    expect(idp.as.discoveryHits.slice(before)).toEqual([
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]);
    const token = await s.getToken('k');
    expect(await idp.as.introspect(token)).toMatchObject({ active: true, client_id: 'basic-client' });
  });

  it('uses RFC 8414 metadata first when the server has it, and keeps it in memory', async () => {
    const before = rfc8414.as.discoveryHits.length;
    const s = rfc8414.store(byIssuer(rfc8414.as.issuer));
    await Promise.all([s.test('k'), s.test('k'), s.test('k')]);
    await rfc8414.store(byIssuer(rfc8414.as.issuer)).test('k');
    expect(rfc8414.as.discoveryHits.slice(before)).toEqual(['/.well-known/oauth-authorization-server']);
  });

  it('picks the default client authentication from the advertised methods (client_secret_basic first)', async () => {
    // No clientAuthMethod: oidc-provider advertises client_secret_basic, and basic-client is registered with it.
    const token = await idp.store(byIssuer(idp.as.issuer)).getToken('k');
    expect((await idp.as.introspect(token)).active).toBe(true);
  });

  it('fails clearly when the server advertises none of the methods the credential can use', async () => {
    const meta = await startLoopbackServer((req, res) => {
      const issuer = `http://127.0.0.1:${req.socket.localPort ?? 0}`;
      sendJson(res, 200, {
        issuer,
        token_endpoint: `${issuer}/token`,
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    });
    try {
      const err = await idp
        .store(byIssuer(meta.url))
        .getToken('k')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).code).toBe('ERR_DISCOVERY_FAILED');
      expect((err as Error).message).toContain('advertises none of the client authentication methods');
    } finally {
      await meta.close();
    }
  });

  it('refuses metadata naming another issuer (RFC 8414 section 3.3) and metadata without a document', async () => {
    const meta = await startLoopbackServer((req, res) => {
      if (req.url?.includes('openid-configuration')) {
        return sendJson(res, 200, { issuer: 'https://evil.example', token_endpoint: 'https://evil.example/token' });
      }
      sendJson(res, 404, {});
    });
    const empty = await startLoopbackServer((_req, res) => sendJson(res, 404, {}));
    try {
      const a = (await idp
        .store(byIssuer(meta.url))
        .getToken('k')
        .catch((e: unknown) => e)) as DiscoveryError;
      expect(a.code).toBe('ERR_DISCOVERY_FAILED');
      expect(a.message).toContain('names another issuer');
      const b = (await idp
        .store(byIssuer(empty.url))
        .getToken('k')
        .catch((e: unknown) => e)) as DiscoveryError;
      expect(b.message).toContain('no authorization server metadata found');
      expect(b.message).toContain('HTTP 404');
    } finally {
      await Promise.all([meta.close(), empty.close()]);
    }
  });

  it('refuses metadata whose token endpoint (or mTLS alias) is plain http:// off loopback, sending nothing there', async () => {
    // The endpoint would answer (a mock for example.invalid): only the checks stand between the document and a mint.
    const off = answerOffLoopback();
    let alias = false;
    const meta = await startLoopbackServer((req, res) => {
      const issuer = `http://127.0.0.1:${req.socket.localPort ?? 0}`;
      sendJson(
        res,
        200,
        alias
          ? {
              issuer,
              token_endpoint: `${issuer}/token`,
              mtls_endpoint_aliases: { token_endpoint: `${OFF_LOOPBACK_ORIGIN}/mtls/token` },
            }
          : { issuer, token_endpoint: `${OFF_LOOPBACK_ORIGIN}/token` },
      );
    });
    const store = () =>
      CredentialStore.fromYaml(
        `credentials:\n  k: { type: client_credentials, issuer: "${meta.url}", clientId: c, clientSecret: { secret: S } }\n`,
        {
          secretProviders: [new EnvSecretProvider({ env: { SECRET_S: Buffer.from('the-secret').toString('base64') } })],
        },
      );
    try {
      for (const [field, useAlias] of [
        ['token_endpoint', false],
        ['mtls_endpoint_aliases.token_endpoint', true],
      ] as const) {
        alias = useAlias;
        clearDiscoveryCache();
        const err = await store()
          .getToken('k')
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DiscoveryError);
        expect((err as DiscoveryError).message).toBe(
          `credential 'k': metadata at ${meta.url}/.well-known/oauth-authorization-server is unusable: ${field} must be an https:// URL (issuer ${meta.url})`,
        );
      }
      expect(off.hits).toEqual([]);
    } finally {
      await Promise.all([meta.close(), off.restore()]);
    }
  });

  it('never follows a redirect from a well-known URL', async () => {
    let followed = 0;
    const other = await startLoopbackServer((_req, res) => {
      followed++;
      sendJson(res, 200, {});
    });
    const meta = await startLoopbackServer((_req, res) => {
      res.writeHead(302, { location: `${other.url}/.well-known/openid-configuration` });
      res.end();
    });
    try {
      const err = (await idp
        .store(byIssuer(meta.url))
        .getToken('k')
        .catch((e: unknown) => e)) as DiscoveryError;
      expect(err.message).toContain('a redirect, not followed');
      expect(followed).toBe(0);
    } finally {
      await Promise.all([meta.close(), other.close()]);
    }
  });

  it('refuses an https issuer whose certificate is not trusted, saying so', async () => {
    const s = idp.store(byIssuer(idp.as.issuer).replace('    caCertificate: { secret: TEST_CA }\n', ''));
    const err = (await s.getToken('k').catch((e: unknown) => e)) as DiscoveryError;
    expect(err.code).toBe('ERR_DISCOVERY_FAILED');
    expect(err.message).toMatch(/network error (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)/);
  });

  it('refuses tokenEndpoint and issuer together, and neither, at load', () => {
    expect(() => idp.store(`${byIssuer(idp.as.issuer)}    tokenEndpoint: ${idp.as.tokenEndpoint}\n`)).toThrow(
      /credentials\.k\.issuer: set tokenEndpoint or issuer, not both/,
    );
    expect(() => idp.store(byIssuer(idp.as.issuer).replace(/ {4}issuer: .*\n/, ''))).toThrow(
      /credentials\.k\.tokenEndpoint: set tokenEndpoint, or issuer to discover it/,
    );
  });
});
