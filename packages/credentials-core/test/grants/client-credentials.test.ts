import {
  type AuthServer,
  clientCredentialsClient,
  readBody,
  sendJson,
  startAuthServer,
  startLoopbackServer,
} from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { TokenEndpointError } from '../../src/errors.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';

const SECRETS = {
  BASIC_SECRET: 'basic-secret-value-0123456789',
  POST_SECRET: 'post-secret-value-0123456789',
  ODD_SECRET: "p@ss:w rd+/=% &x~'()*!",
  WRONG_SECRET: 'not-the-right-secret-42',
};
const env = Object.fromEntries(
  Object.entries(SECRETS).map(([k, v]) => [`SECRET_${k}`, Buffer.from(v).toString('base64')]),
);

let as: AuthServer;
beforeAll(async () => {
  as = await startAuthServer({
    scopes: ['api:read', 'api:write'],
    clients: [
      clientCredentialsClient('basic-client', SECRETS.BASIC_SECRET, {
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'api:read api:write',
      }),
      clientCredentialsClient('post-client', SECRETS.POST_SECRET, { token_endpoint_auth_method: 'client_secret_post' }),
      clientCredentialsClient('odd:client id', SECRETS.ODD_SECRET, {
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    ],
  });
});
afterAll(() => as?.close());

function offsetClock(): Clock & { offset: number } {
  const c = {
    offset: 0,
    now: () => performance.now() + c.offset,
    wallNow: () => Date.now() + c.offset,
  };
  return c;
}

function store(credentials: string, clock?: Clock) {
  const warnings: string[] = [];
  const s = CredentialStore.fromYaml(`credentials:\n${credentials}`, {
    secretProviders: [new EnvSecretProvider({ env })],
    logger: { warn: (m) => warnings.push(m) },
    ...(clock ? { clock } : {}),
  });
  return { s, warnings };
}

const basic = (extra = '') => `  api:
    type: client_credentials
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: basic-client
    clientSecret: { secret: BASIC_SECRET }
    scopes: [api:read]
${extra}`;

describe('client_credentials against oidc-provider', () => {
  it('gets a token with client_secret_basic that introspects as active with the scope', async () => {
    const { s } = store(basic());
    const token = await s.getToken('api');
    expect(await as.introspect(token)).toEqual({ active: true, clientId: 'basic-client', scope: 'api:read' });
    const at = await s.getAccessToken('api');
    expect(at.token).toBe(token);
    expect(at).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, scopes: ['api:read'] });
  });

  it('gets a token with client_secret_post', async () => {
    const { s } = store(`  api:
    type: client_credentials
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: post-client
    clientSecret: { secret: POST_SECRET }
    clientAuthMethod: client_secret_post
`);
    expect(await as.introspect(await s.getToken('api'))).toMatchObject({ active: true, clientId: 'post-client' });
  });

  it('form-encodes id and secret before Basic encoding (RFC 6749 section 2.3.1)', async () => {
    const { s } = store(`  odd:
    type: client_credentials
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: "odd:client id"
    clientSecret: { secret: ODD_SECRET }
`);
    expect(await as.introspect(await s.getToken('odd'))).toMatchObject({ active: true, clientId: 'odd:client id' });
  });

  it('makes exactly one token request for 1,000 concurrent calls on a cold cache', async () => {
    const { s } = store(basic());
    const before = as.mints;
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => s.getToken('api')));
    expect(as.mints - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('replaces a token in the background once it is within refreshBeforeExpiry of expiry', async () => {
    const clock = offsetClock();
    const { s } = store(basic('    cache: { refreshBeforeExpiry: PT1M }\n'), clock);
    const first = await s.getToken('api');
    clock.offset = 3_530_000; // 70 s left: still served from cache
    expect(await s.getToken('api')).toBe(first);
    const before = as.mints;
    clock.offset = 3_545_000; // 55 s left: served at once, refreshed in the background
    expect(await s.getToken('api')).toBe(first);
    await vi.waitFor(() => expect(s.peekToken('api')).not.toBe(first));
    const second = await s.getToken('api');
    expect(second).not.toBe(first);
    expect(as.mints - before).toBe(1);
    expect(await as.introspect(second)).toMatchObject({ active: true });
  });

  it('mints per call with cache.enabled: false', async () => {
    const { s } = store(basic('    cache: { enabled: false }\n'));
    const before = as.mints;
    const a = await s.getToken('api');
    const b = await s.getToken('api');
    const c = await s.getToken('api');
    expect(as.mints - before).toBe(3);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('gives invalid_client for a wrong secret, without the secret anywhere in the error', async () => {
    const { s } = store(basic().replace('BASIC_SECRET', 'WRONG_SECRET'));
    const err = (await s.getToken('api').catch((e: unknown) => e)) as TokenEndpointError;
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(err).toMatchObject({
      code: 'ERR_OAUTH_ERROR_RESPONSE',
      error: 'invalid_client',
      status: 401,
      credential: 'api',
      endpoint: as.tokenEndpoint,
    });
    const everything = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${String(err.cause)}`;
    for (const v of Object.values(SECRETS)) {
      expect(everything).not.toContain(v);
      expect(everything).not.toContain(Buffer.from(v).toString('base64'));
    }
  });

  it('invalidate() drops the cached token', async () => {
    const { s } = store(basic());
    const first = await s.getToken('api');
    s.invalidate('api');
    expect(await s.getToken('api')).not.toBe(first);
  });

  it('test() mints a fresh token and returns metadata only', async () => {
    const { s } = store(basic());
    const cached = await s.getToken('api');
    const before = as.mints;
    const info = await s.test('api');
    expect(as.mints - before).toBe(1);
    expect(info).toMatchObject({
      key: 'api',
      type: 'client_credentials',
      scope: 'tenant',
      tenantId: 'main',
      tokenType: 'Bearer',
      expiresIn: 3600,
      scopes: ['api:read'],
    });
    expect(Date.parse(info.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    expect(info.durationMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(info).sort()).toEqual(
      [
        'durationMs',
        'endpoint',
        'expiresAt',
        'expiresIn',
        'key',
        'scope',
        'scopes',
        'tenantId',
        'tokenType',
        'type',
      ].sort(),
    );
    expect(await s.getToken('api')).toBe(cached);
  });

  it('reports every token and secret it hands out, for masking', async () => {
    const { s } = store(basic());
    const seen: string[] = [];
    const off = s.onSensitiveValue((v) => seen.push(v));
    const token = await s.getToken('api');
    expect(seen).toContain(token);
    expect(seen).toContain(SECRETS.BASIC_SECRET);
    expect(await s.getSecret('POST_SECRET')).toBe(SECRETS.POST_SECRET);
    expect(seen).toContain(SECRETS.POST_SECRET);
    off();
    s.invalidate();
    const n = seen.length;
    await s.getToken('api');
    expect(seen).toHaveLength(n);
  });

  it('gives an edited definition its own token', async () => {
    const { s: a } = store(basic());
    const { s: b } = store(basic().replace('[api:read]', '[api:read, api:write]'));
    const ta = await a.getToken('api');
    const tb = await b.getToken('api');
    expect(await as.introspect(tb)).toMatchObject({ scope: 'api:read api:write' });
    expect(ta).not.toBe(tb);
  });

  it('reports a missing secret by name', async () => {
    const { s } = store(basic().replace('BASIC_SECRET', 'MISSING_SECRET'));
    await expect(s.getToken('api')).rejects.toThrow(
      "Cannot find secret 'MISSING_SECRET' (looked in: env SECRET_<NAME> (base64)).",
    );
  });
});

describe('client_credentials request parameters', () => {
  it('sends scope, audience, resource and extra parameters', async () => {
    let form: URLSearchParams | undefined;
    const server = await startLoopbackServer(async (req, res) => {
      form = new URLSearchParams(await readBody(req));
      sendJson(res, 200, { access_token: 'x.y', token_type: 'bearer' });
    });
    try {
      const { s } = store(`  api:
    type: client_credentials
    tokenEndpoint: ${server.url}/token
    clientId: c
    clientSecret: { secret: POST_SECRET }
    clientAuthMethod: client_secret_post
    scopes: "a b"
    audience: https://api.example.com
    resource: [https://r1.example, https://r2.example]
    extraParams: { tenant_hint: x, n: 3 }
    defaultLifetime: PT10M
`);
      const at = await s.getAccessToken('api');
      expect(at.expiresIn).toBe(600);
      expect(form && [...form.entries()]).toEqual([
        ['grant_type', 'client_credentials'],
        ['scope', 'a b'],
        ['audience', 'https://api.example.com'],
        ['resource', 'https://r1.example'],
        ['resource', 'https://r2.example'],
        ['tenant_hint', 'x'],
        ['n', '3'],
        ['client_id', 'c'],
        ['client_secret', SECRETS.POST_SECRET],
      ]);
    } finally {
      await server.close();
    }
  });

  it("uses a JWT access token's exp when expires_in is absent", async () => {
    const exp = Math.floor(Date.now() / 1000) + 900;
    const jwt = ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'sig'].join('.');
    const server = await startLoopbackServer((_req, res) =>
      sendJson(res, 200, { access_token: jwt, token_type: 'Bearer' }),
    );
    try {
      const { s } = store(`  api:
    type: client_credentials
    tokenEndpoint: ${server.url}/token
    clientId: c
    clientSecret: { secret: POST_SECRET }
`);
      const at = await s.getAccessToken('api');
      expect(at.expiresIn).toBeGreaterThan(895);
      expect(at.expiresIn).toBeLessThanOrEqual(900);
    } finally {
      await server.close();
    }
  });
});
