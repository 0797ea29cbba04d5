import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CredentialCommon } from '../../src/config/types.js';
import { builtinGrantTypes } from '../../src/grants/builtin.js';
import { defineGrantType } from '../../src/grants/grant.js';
import { loadConfig, parseConfig } from '../../src/load-config.js';
import { configError } from '../helpers/config-error.js';

const GOOD = `
credentials:
  my_oauth:
    type: client_credentials
    tokenEndpoint: https://idp.example.com/oauth2/token
    clientId: my-client
    clientSecret: { secret: MY_CLIENT_SECRET }
    scopes: api:read api:write
`;

describe('parseConfig', () => {
  it('loads a valid config with defaults filled in', () => {
    const config = parseConfig(GOOD, { file: 'credflow.yaml' });
    const def = config.tenants.get('main')?.credentials.get('my_oauth');
    expect(def).toEqual({
      type: 'client_credentials',
      tokenEndpoint: 'https://idp.example.com/oauth2/token',
      clientId: 'my-client',
      clientSecret: { secret: 'MY_CLIENT_SECRET' },
      // No clientAuthMethod: it is chosen at mint time (client_secret_basic here; with `issuer`, one the server advertises).
      scopes: ['api:read', 'api:write'],
      cache: { enabled: true, refreshBeforeExpiry: 60_000 },
      timeout: 30_000,
      defaultLifetime: 3_600_000,
    });
    expect(config.secrets).toEqual([{ type: 'env', encoding: 'base64', prefix: 'SECRET_' }]);
  });

  it('reads namespaces and other tenants', () => {
    const config = parseConfig(`
namespaces:
  company.team:
    credentials:
      team_api:
        type: client_credentials
        tokenEndpoint: http://127.0.0.1:9/token
        clientId: t
        clientSecret: { secret: T }
tenants:
  acme:
    credentials:
      a:
        type: client_credentials
        tokenEndpoint: https://a.example/token
        clientId: a
        clientSecret: { secret: A, subkey: secret }
        cache: { enabled: false, refreshBeforeExpiry: PT10S }
`);
    expect(config.tenants.get('main')?.namespaces.get('company.team')?.credentials.has('team_api')).toBe(true);
    const a = config.tenants.get('acme')?.credentials.get('a');
    expect(a?.cache).toEqual({ enabled: false, refreshBeforeExpiry: 10_000 });
    expect(a?.clientSecret).toEqual({ secret: 'A', subkey: 'secret' });
  });

  it('refuses a plain-text secret, naming the field, the line and how to reference a secret', () => {
    const err = configError(GOOD.replace('{ secret: MY_CLIENT_SECRET }', 's3cr3t-value'));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.issues).toEqual([expect.objectContaining({ path: 'credentials.my_oauth.clientSecret', line: 7 })]);
    expect(err.message).toContain('credflow.yaml:7: credentials.my_oauth.clientSecret:');
    expect(err.message).toContain('{ secret: MY_SECRET }');
    expect(err.message).not.toContain('s3cr3t-value');
  });

  it('refuses an unknown field at its own line', () => {
    const err = configError(GOOD.replace('    clientId: my-client', '    clientId: my-client\n    clientSecert: x'));
    expect(err.issues).toEqual([
      {
        path: 'credentials.my_oauth.clientSecert',
        line: 7,
        message: "unknown field 'clientSecert' (did you mean 'clientSecret'?)",
      },
    ]);
  });

  it('refuses a bad duration', () => {
    const err = configError(`${GOOD}    cache: { refreshBeforeExpiry: 1 minute }\n`);
    expect(err.issues[0]).toMatchObject({ path: 'credentials.my_oauth.cache.refreshBeforeExpiry', line: 9 });
    expect(err.issues[0]?.message).toContain('is not an ISO-8601 duration');
  });

  it('refuses an unknown type, listing the known ones', () => {
    const err = configError(GOOD.replace('type: client_credentials', 'type: magic'));
    expect(err.issues[0]).toMatchObject({ path: 'credentials.my_oauth.type', line: 4 });
    expect(err.issues[0]?.message).toContain("unknown credential type 'magic': expected one of client_credentials");
  });

  it('reports a missing field as required', () => {
    const err = configError(GOOD.replace('    clientId: my-client\n', ''));
    expect(err.issues).toEqual([{ path: 'credentials.my_oauth.clientId', line: 4, message: 'is required' }]);
  });

  it('refuses plain http except on loopback', () => {
    const err = configError(GOOD.replace('https://idp', 'http://idp'));
    expect(err.issues[0]?.message).toContain('https://');
    expect(() => parseConfig(GOOD.replace('https://idp.example.com', 'http://127.0.0.1:8080'))).not.toThrow();
  });

  it('refuses bad keys, namespaces, tenants and reserved extra params', () => {
    expect(configError('credentials:\n  "bad key": { type: client_credentials }\n').issues[0]?.path).toBe(
      'credentials.bad key',
    );
    expect(configError('namespaces:\n  "../etc":\n    credentials: {}\n').issues[0]?.message).toContain(
      'namespaces are',
    );
    expect(configError('tenants:\n  "a/b": {}\n').issues[0]?.message).toContain('tenant ids');
    const err = configError(`${GOOD}    extraParams: { client_secret: x }\n`);
    expect(err.issues[0]?.path).toBe('credentials.my_oauth.extraParams.client_secret');
  });

  it('reports YAML syntax errors with a line', () => {
    const err = configError('credentials:\n  a: [\n');
    expect(err.message).toMatch(/credflow\.yaml:\d+: YAML syntax error/);
  });

  it('refuses the same key twice and duplicates between top level and tenants.main', () => {
    expect(configError(`${GOOD}  my_oauth: {}\n`).message).toContain('YAML syntax error');
    const dup = configError(
      `${GOOD}tenants:\n  main:\n    credentials:\n      my_oauth:${GOOD.split('my_oauth:')[1]?.replace(/\n {4}/g, '\n        ')}`,
    );
    expect(dup.issues[0]?.path).toBe('tenants.main.credentials.my_oauth');
  });

  it('lists every problem at once', () => {
    const err = configError(`credentials:
  a: { type: client_credentials, tokenEndpoint: nope, clientId: x, clientSecret: plain }
  b: { type: client_credentials, tokenEndpoint: https://x/t, clientId: x, clientSecret: { secret: S }, timeout: soon }
secrets:
  - type: keepass
`);
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'credentials.a.clientSecret',
      'credentials.a.tokenEndpoint',
      'credentials.b.timeout',
      'secrets[0].type',
    ]);
    expect(err.message).toContain('invalid config (4 problems)');
  });
});

describe('loadConfig', () => {
  it('names a missing file', async () => {
    await expect(loadConfig('/nonexistent/credflow.yaml')).rejects.toMatchObject({
      code: 'ERR_CONFIG_NOT_FOUND',
      message: '/nonexistent/credflow.yaml: config file not found',
    });
  });

  it('resolves file secret dirs against the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credflow-'));
    await writeFile(join(dir, 'credflow.yaml'), 'secrets:\n  - type: file\n    dir: ./secrets\n');
    const config = await loadConfig(join(dir, 'credflow.yaml'));
    expect(config.secrets).toEqual([{ type: 'file', dir: join(dir, 'secrets') }]);
  });
});

describe('building the schema lazily', () => {
  // A credential type whose fields count how often they are built.
  let built = 0;
  const counted = defineGrantType<CredentialCommon & { type: 'counted'; url: string }>({
    type: 'counted',
    get fields() {
      built += 1;
      return { url: z.string() };
    },
    sensitiveFields: [],
    endpoint: (def) => def.url,
    create: () => {
      throw new Error('not minted in this test');
    },
  });
  const grantTypes = [...builtinGrantTypes, counted];

  it('builds no credential type fields for a config without credentials (a run with no credflow.yaml)', () => {
    built = 0;
    parseConfig('', { grantTypes });
    parseConfig('tenants:\n  acme: {}\nnamespaces:\n  a.b: {}\n', { grantTypes });
    expect(built).toBe(0);
  });

  it('builds the types asked for at the first parse, even if the caller changes its list later', () => {
    const types = [...builtinGrantTypes];
    parseConfig('', { grantTypes: types });
    types.push(counted);
    expect(() =>
      parseConfig('credentials:\n  k:\n    type: counted\n    url: u\n', { grantTypes: [...builtinGrantTypes] }),
    ).toThrow(/unknown credential type/);
  });

  it('builds them once for the first credential, and still validates it and suggests field names', () => {
    built = 0;
    const config = parseConfig('credentials:\n  k:\n    type: counted\n    url: u\n', { grantTypes });
    expect(config.tenants.get('main')?.credentials.get('k')).toMatchObject({ type: 'counted', url: 'u' });
    expect(built).toBe(1);
    expect(() => parseConfig('credentials:\n  k:\n    type: counted\n    urll: u\n', { grantTypes })).toThrow(
      /unknown field 'urll'.*did you mean 'url'/,
    );
    expect(built).toBe(1);
  });
});
