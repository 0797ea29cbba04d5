import { type AuthServer, clientCredentialsClient, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';

/** A plain secret made only of base64 letters: valid base64, so it "decodes", to bytes that are not text. */
const PLAIN_SECRET = 'plainSecretValue42xyz';
const b64 = (s: string) => Buffer.from(s).toString('base64');

let as: AuthServer;
beforeAll(async () => {
  as = await startAuthServer({
    scopes: ['api:read'],
    clients: [clientCredentialsClient('env-client', PLAIN_SECRET, { scope: 'api:read' })],
  });
});
afterAll(() => as?.close());

describe('env secrets that are not base64 of text', () => {
  it('warns once (with the fix) when a plain value was put in a base64 variable', async () => {
    const warnings: string[] = [];
    const env = { SECRET_ENV_CLIENT_SECRET: PLAIN_SECRET };
    const s = CredentialStore.fromYaml(
      `credentials:\n  api:\n    type: client_credentials\n    tokenEndpoint: ${as.tokenEndpoint}\n    clientId: env-client\n    clientSecret: { secret: ENV_CLIENT_SECRET }\n`,
      {
        secretProviders: [new EnvSecretProvider({ env, logger: { warn: (m) => warnings.push(m) } })],
        logger: { warn: (m) => warnings.push(m) },
        retry: { maxAttempts: 1 },
      },
    );
    // oidc-provider refuses the garbled Basic header as invalid_request; other servers say invalid_client.
    const err = (await s.getToken('api').catch((e: unknown) => e)) as Error & { code?: string; error?: string };
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE' });
    await s.getToken('api').catch(() => undefined);
    const decodeWarnings = warnings.filter((w) => w.includes('does not decode to UTF-8'));
    expect(decodeWarnings).toHaveLength(1);
    expect(decodeWarnings[0]).toContain('SECRET_ENV_CLIENT_SECRET');
    expect(decodeWarnings[0]).toContain("printf %s 'value' | base64");
    expect(decodeWarnings[0]).toContain('encoding: plain');
    for (const text of [...warnings, err.message]) expect(text).not.toContain(PLAIN_SECRET);
  });

  it('adds where to look to an invalid_client error (a wrong secret, well encoded)', async () => {
    const s = CredentialStore.fromYaml(
      `credentials:\n  api:\n    type: client_credentials\n    tokenEndpoint: ${as.tokenEndpoint}\n    clientId: env-client\n    clientSecret: { secret: ENV_CLIENT_SECRET }\n`,
      {
        secretProviders: [new EnvSecretProvider({ env: { SECRET_ENV_CLIENT_SECRET: b64('wrong-secret-value-123') } })],
        logger: { warn: () => {} },
        retry: { maxAttempts: 1 },
      },
    );
    const err = (await s.getToken('api').catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_client', status: 401 });
    expect(err.message).toContain("check the client id, and the secret's (or key's) value and encoding");
    expect(err.message).not.toContain('wrong-secret-value-123');
  });

  it('mints with the same value encoded, or with encoding: plain, and then warns nothing', async () => {
    for (const provider of [
      new EnvSecretProvider({ env: { SECRET_ENV_CLIENT_SECRET: b64(PLAIN_SECRET) } }),
      new EnvSecretProvider({ env: { SECRET_ENV_CLIENT_SECRET: PLAIN_SECRET }, encoding: 'plain' }),
    ]) {
      const warnings: string[] = [];
      const s = CredentialStore.fromYaml(
        `credentials:\n  api:\n    type: client_credentials\n    tokenEndpoint: ${as.tokenEndpoint}\n    clientId: env-client\n    clientSecret: { secret: ENV_CLIENT_SECRET }\n`,
        { secretProviders: [provider], logger: { warn: (m) => warnings.push(m) } },
      );
      expect(await s.getToken('api')).toMatch(/\S{20,}/);
      expect(warnings).toEqual([]);
    }
  });

  it('passes the store logger to an env provider built from the config', async () => {
    const warnings: string[] = [];
    const previous = process.env.SECRET_ENV_CLIENT_SECRET;
    process.env.SECRET_ENV_CLIENT_SECRET = PLAIN_SECRET;
    try {
      const s = CredentialStore.fromYaml(
        `secrets:\n  - type: env\ncredentials:\n  api:\n    type: client_credentials\n    tokenEndpoint: ${as.tokenEndpoint}\n    clientId: env-client\n    clientSecret: { secret: ENV_CLIENT_SECRET }\n`,
        { logger: { warn: (m) => warnings.push(m) }, retry: { maxAttempts: 1 } },
      );
      await expect(s.getToken('api')).rejects.toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE' });
      expect(warnings.filter((w) => w.includes('does not decode to UTF-8'))).toHaveLength(1);
    } finally {
      if (previous === undefined) delete process.env.SECRET_ENV_CLIENT_SECRET;
      else process.env.SECRET_ENV_CLIENT_SECRET = previous;
    }
  });
});

describe('env secrets read at every call', () => {
  it('sees a changed variable at the next read, and a variable that went away', async () => {
    const env: NodeJS.ProcessEnv = { SECRET_X: b64('value-one') };
    const p = new EnvSecretProvider({ env, logger: { warn: () => {} } });
    expect(await p.get('X')).toBe('value-one');
    expect(await p.get('X')).toBe('value-one');
    env.SECRET_X = b64('value-two');
    expect(await p.get('X')).toBe('value-two');
    env.SECRET_X = b64('value-one');
    expect(await p.get('X')).toBe('value-one');
    delete env.SECRET_X;
    expect(await p.get('X')).toBeUndefined();
  });

  it('refuses a value that is not base64 at every read, also after a good one', async () => {
    const env: NodeJS.ProcessEnv = { SECRET_X: b64('good-value') };
    const p = new EnvSecretProvider({ env, logger: { warn: () => {} } });
    expect(await p.get('X')).toBe('good-value');
    env.SECRET_X = 'not base64 !';
    await expect(p.get('X')).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
    await expect(p.get('X')).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
  });

  it('warns once per variable, however often and with whatever value it is read', async () => {
    const warnings: string[] = [];
    const env: NodeJS.ProcessEnv = { SECRET_X: b64('line-one\n') };
    const p = new EnvSecretProvider({ env, logger: { warn: (m) => warnings.push(m) } });
    expect(await p.get('X')).toBe('line-one\n');
    expect(await p.get('X')).toBe('line-one\n');
    env.SECRET_X = b64('line-two\n');
    expect(await p.get('X')).toBe('line-two\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('SECRET_X');
  });
});
