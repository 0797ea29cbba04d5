import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecretProvider, parseConfig } from '@credflow/credentials-core';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';
import { providerDescriptions } from '../src/server/provider-descriptions.js';

const SECRET = 'ui-client-secret-value-0123456789';
const env = {
  SECRET_UI_SECRET: Buffer.from(SECRET).toString('base64'),
  SECRET_OTHER: Buffer.from('other-value-xyz').toString('base64'),
};
let as: AuthServer;
let ui: UiServer;
let file: string;
const responses: string[] = [];

const ORIGINAL = (endpoint: string) => `# credflow.yaml for the UI tests (this comment must survive saves)
secrets:
  - type: env

credentials:
  # the first credential
  first:
    type: client_credentials
    tokenEndpoint: ${endpoint}   # inline comment
    clientId: ui-client
    clientSecret: { secret: UI_SECRET }

namespaces:
  company.team:
    credentials:
      team: { type: client_credentials, tokenEndpoint: "${endpoint}", clientId: ui-client, clientSecret: { secret: UI_SECRET } }
`;

beforeAll(async () => {
  as = await startAuthServer({
    scopes: ['api:read'],
    clients: [
      {
        client_id: 'ui-client',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api:read',
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'credflow-ui-'));
  file = join(dir, 'credflow.yaml');
  await writeFile(file, ORIGINAL(as.tokenEndpoint));
  await chmod(file, 0o640);
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
  expect(all).not.toContain(SECRET);
  expect(all).not.toContain('other-value-xyz');
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${ui.origin}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-credflow-key': ui.key, ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, json: JSON.parse(text) };
}

const def = (extra: Record<string, unknown> = {}) => ({
  type: 'client_credentials',
  tokenEndpoint: as.tokenEndpoint,
  clientId: 'ui-client',
  clientSecret: { secret: 'UI_SECRET' },
  scopes: ['api:read'],
  ...extra,
});

describe('UI API security', () => {
  it('needs the session key: 401 without, 403 when wrong', async () => {
    const missing = await call('GET', '/credentials', undefined, { 'x-credflow-key': '' });
    expect(missing).toEqual({
      status: 401,
      json: {
        error: 'unauthorized',
        code: 'ERR_UI_KEY_MISSING',
        message: 'missing session key (x-credflow-key header)',
      },
    });
    const wrong = await call('GET', '/credentials', undefined, { 'x-credflow-key': 'nope' });
    expect(wrong).toEqual({
      status: 403,
      json: { error: 'forbidden', code: 'ERR_UI_KEY_WRONG', message: 'wrong session key' },
    });
  });

  it('refuses cross-origin and cross-site requests and foreign Host headers', async () => {
    expect(
      (await call('POST', '/test', { key: 'x', definition: def() }, { origin: 'http://evil.example' })).status,
    ).toBe(403);
    expect((await call('GET', '/credentials', undefined, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends its own Host.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(ui.origin);
      request(
        {
          host: u.hostname,
          port: u.port,
          path: '/api/credentials',
          headers: { 'x-credflow-key': ui.key, host: 'evil.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
    expect((await call('GET', '/credentials', undefined, { origin: ui.origin })).status).toBe(200);
  });

  it('serves the page with a strict content security policy', async () => {
    const res = await fetch(`${ui.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('<script type="module" src="/app.js">');
  });
});

describe('UI API', () => {
  it('lists credentials by tenant and namespace, with secret names only', async () => {
    const { status, json } = await call('GET', '/credentials');
    expect(status).toBe(200);
    expect(json.tenants[0].id).toBe('main');
    expect(json.tenants[0].credentials.map((c: { key: string }) => c.key)).toEqual(['first']);
    expect(json.tenants[0].namespaces).toEqual([
      {
        id: 'company.team',
        credentials: [expect.objectContaining({ key: 'team', level: 'namespace', namespace: 'company.team' })],
        // The tenant's credential, visible in the namespace: listed apart, with where it is defined.
        inherited: [expect.objectContaining({ key: 'first', level: 'tenant' })],
      },
    ]);
    expect(json.tenants[0].namespaces[0].inherited[0].namespace).toBeUndefined();
    expect(json.secretNames).toEqual(['OTHER', 'UI_SECRET']);
    expect(json.tenants[0].credentials[0].secrets).toEqual([
      { field: 'clientSecret', secret: 'UI_SECRET', status: 'ok' },
    ]);
    expect(json.providers).toEqual(['env SECRET_<NAME> (base64)']);
    expect(json.file).toBe(file);
  });

  it('tests a definition before it is saved, reporting metadata and never the token', async () => {
    const before = as.mints;
    const { status, json } = await call('POST', '/test', { tenantId: 'main', key: 'draft', definition: def() });
    expect(status).toBe(200);
    expect(json).toEqual({
      ok: true,
      key: 'draft',
      type: 'client_credentials',
      tokenType: 'Bearer',
      expiresIn: 3600,
      expiresAt: expect.any(String),
      scopes: ['api:read'],
      durationMs: expect.any(Number),
    });
    expect(as.mints - before).toBe(1);
  });

  it('reports the RFC 6749 error of a failed test', async () => {
    const { json } = await call('POST', '/test', {
      key: 'draft',
      definition: def({ clientSecret: { secret: 'OTHER' } }),
    });
    expect(json).toMatchObject({
      ok: false,
      error: { code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_client', status: 401 },
    });
  });

  it('answers 400 naming the field for bad input', async () => {
    const plain = await call('POST', '/test', { key: 'draft', definition: def({ clientSecret: 'hunter2-plain' }) });
    expect(plain.status).toBe(400);
    expect(plain.json.issues).toEqual([
      { path: 'clientSecret', message: expect.stringContaining('plain values are not allowed') },
    ]);
    const unknown = await call('PUT', '/credentials', { key: 'x', definition: def({ clientSecert: 'typo' }) });
    expect(unknown.json.issues).toEqual([
      { path: 'clientSecert', message: "unknown field 'clientSecert' (did you mean 'clientSecret'?)" },
    ]);
    const badKey = await call('PUT', '/credentials', { key: 'bad key', definition: def() });
    expect(badKey.status).toBe(400);
    expect(badKey.json.issues[0].path).toBe('key');
    const badBody = await fetch(`${ui.origin}/api/test`, {
      method: 'POST',
      headers: { 'x-credflow-key': ui.key },
      body: 'not json',
    });
    expect(badBody.status).toBe(400);
    const badType = await call('POST', '/test', { key: 'x', definition: { type: 'magic' } });
    expect(badType.json.issues[0]).toEqual({
      path: 'type',
      message: expect.stringContaining('unknown credential type'),
    });
  });

  it('refuses __proto__, constructor and prototype as key, tenant or namespace with 400 naming the field', async () => {
    const before = await readFile(file, 'utf8');
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      for (const [field, where] of [
        ['key', { key: name }],
        ['tenantId', { tenantId: name, key: 'k' }],
        ['namespace', { namespace: name, key: 'k' }],
      ] as const) {
        const res = await call('PUT', '/credentials', { ...where, definition: def() });
        expect(res.status).toBe(400);
        expect(res.json.saved).toBeUndefined();
        expect(res.json.issues).toEqual([
          { path: field, message: `invalid name '${name}': __proto__, constructor and prototype are reserved names` },
        ]);
      }
      const renamed = await call('PUT', '/credentials', { key: 'k', original: { key: name }, definition: def() });
      expect(renamed.status).toBe(400);
    }
    // A `__proto__` field inside the definition would vanish on the way to the file: refused too.
    const field = await call('PUT', '/credentials', {
      key: 'k',
      definition: JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(def()).slice(1)}`),
    });
    expect(field.status).toBe(400);
    expect(field.json.issues).toEqual([
      {
        path: '__proto__',
        message: "'__proto__' cannot be used as a key: its value would be silently lost (a reserved name)",
      },
    ]);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it("creates a credential, keeping the file's comments and order", async () => {
    const { status } = await call('PUT', '/credentials', { tenantId: 'main', key: 'created', definition: def() });
    expect(status).toBe(200);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# credflow.yaml for the UI tests (this comment must survive saves)');
    expect(text).toContain('  # the first credential');
    expect(text).toContain('# inline comment');
    expect(text.indexOf('first:')).toBeLessThan(text.indexOf('created:'));
    expect(text).toMatch(/created:\n\s+type: client_credentials\n\s+tokenEndpoint: http/);
    expect(text).not.toContain(SECRET);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('edits a credential in place and in namespaces and other tenants', async () => {
    const edited = await call('PUT', '/credentials', {
      tenantId: 'main',
      key: 'first',
      definition: {
        type: 'client_credentials',
        tokenEndpoint: as.tokenEndpoint,
        clientId: 'ui-client-2',
        clientSecret: { secret: 'UI_SECRET' },
      },
    });
    expect(edited.status).toBe(200);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('clientId: ui-client-2');
    expect(text).toMatch(new RegExp(`tokenEndpoint: ${as.tokenEndpoint.replace(/[.]/g, '\\.')} +# inline comment`));
    expect((await call('POST', '/definition', { tenantId: 'main', key: 'first' })).json.definition.clientId).toBe(
      'ui-client-2',
    );
    await call('PUT', '/credentials', { tenantId: 'acme', namespace: 'ops.jobs', key: 'ops', definition: def() });
    const list = (await call('GET', '/credentials')).json;
    const acme = list.tenants.find((t: { id: string }) => t.id === 'acme');
    expect(acme.namespaces[0]).toMatchObject({
      id: 'ops.jobs',
      credentials: [expect.objectContaining({ key: 'ops' })],
    });
  });

  it('renames and deletes', async () => {
    const renamed = await call('PUT', '/credentials', {
      key: 'renamed',
      definition: def(),
      original: { tenantId: 'main', key: 'created' },
    });
    expect(renamed.status).toBe(200);
    let text = await readFile(file, 'utf8');
    expect(text).toContain('renamed:');
    expect(text).not.toContain('created:');
    expect((await call('DELETE', '/credentials', { key: 'renamed' })).json.deleted).toBe(true);
    text = await readFile(file, 'utf8');
    expect(text).not.toContain('renamed:');
    expect(text).toContain('# the first credential');
  });
});

describe('UI API: what the page needs', () => {
  it('says for each secret reference whether it resolves now, never the value', async () => {
    const { status, json } = await call('POST', '/secret-status', {
      refs: [{ secret: 'UI_SECRET' }, { secret: 'NOPE' }, { secret: 'OTHER', subkey: 'x' }, 'junk'],
    });
    expect(status).toBe(200);
    // OTHER is not JSON, so its subkey cannot be read: found, but unreadable as asked.
    expect(json).toEqual({ statuses: ['ok', 'missing', 'invalid'] });
  });

  it('gives the source text of each field, for the YAML snippets', async () => {
    const { json } = await call('POST', '/definition', { tenantId: 'main', key: 'first' });
    expect(json.sources.tokenEndpoint.pair).toBe(`tokenEndpoint: ${as.tokenEndpoint}   # inline comment`);
    expect(json.sources.clientSecret.value).toBe('{ secret: UI_SECRET }');
  });

  it('merges YAML-edited fields and "other fields" into the definition it saves and tests', async () => {
    const before = as.mints;
    const tested = await call('POST', '/test', {
      key: 'draft',
      definition: def(),
      yamlFields: { extraParams: '{ hint: x }' },
      otherYaml: 'defaultLifetime: PT2H',
    });
    expect(tested.json.ok).toBe(true);
    expect(as.mints - before).toBe(1);
    const bad = await call('PUT', '/credentials', {
      key: 'yamlbad',
      definition: def(),
      yamlFields: { extraParams: '{ a' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues[0]).toEqual({ path: 'extraParams', message: expect.stringContaining('not valid YAML') });
    const dup = await call('PUT', '/credentials', { key: 'yamldup', definition: def(), otherYaml: 'clientId: x' });
    expect(dup.json.issues).toEqual([{ path: 'otherYaml', message: "'clientId' is also set in the form above" }]);
  });

  it('refuses to overwrite on create and on rename (409), and says a missing original is gone (404)', async () => {
    const before = await readFile(file, 'utf8');
    const created = await call('PUT', '/credentials', { key: 'first', definition: def(), create: true });
    expect(created.status).toBe(409);
    expect(created.json).toMatchObject({ code: 'ERR_UI_CONFLICT', issues: [{ path: 'key' }] });
    const onto = await call('PUT', '/credentials', {
      key: 'first',
      definition: def(),
      original: { tenantId: 'main', namespace: 'company.team', key: 'team' },
    });
    expect(onto.status).toBe(409);
    const gone = await call('PUT', '/credentials', { key: 'x1', definition: def(), original: { key: 'never_there' } });
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe("'never_there' is no longer in the file: reload the page");
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('says what is wrong with a location in words, not "bad location"', async () => {
    const res = await call('PUT', '/credentials', { key: 'k', namespace: 'a..b', definition: def() });
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('Namespace: namespaces are dot-separated names (e.g. company.team)');
    expect(res.json.issues).toEqual([{ path: 'namespace', message: expect.any(String) }]);
  });
});

describe('UI API over an invalid credflow.yaml', () => {
  it('reports each problem of the file as its own line, with line numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credflow-ui-bad-'));
    const bad = join(dir, 'credflow.yaml');
    await writeFile(
      bad,
      'credentials:\n  ok:\n    type: client_credentials\n    tokenEndpoint: https://x.example/t\n    clientId: a\n    clientSecret: { secret: S }\n',
    );
    const server = await startUi({ configPath: bad, port: 0, logger: { warn: () => {} } });
    try {
      await writeFile(
        bad,
        'credentials:\n  a:\n    type: client_credentials\n    clientSecret: plain\n  b:\n    type: magic\n',
      );
      const res = await fetch(`${server.origin}/api/credentials`, { headers: { 'x-credflow-key': server.key } });
      const json = (await res.json()) as { code: string; file: string; issues: { path: string }[] };
      expect(res.status).toBe(400);
      expect(json.code).toBe('ERR_CONFIG_INVALID');
      expect(json.file).toBe(bad);
      expect(json.issues.length).toBeGreaterThanOrEqual(3);
      expect(json.issues).toContainEqual(expect.objectContaining({ path: 'credentials.a.clientSecret', line: 4 }));
      expect(json.issues).toContainEqual(expect.objectContaining({ path: 'credentials.b.type', line: 6 }));
    } finally {
      await server.close();
    }
  });
});

describe('the header', () => {
  it('names the secrets folder by its absolute path, whatever the working directory', () => {
    const config = parseConfig('secrets:\n  - type: file\n    dir: ./secrets\n  - type: env\n    encoding: plain\n', {
      file: '/srv/app/credflow.yaml',
      baseDir: '/srv/app',
    });
    expect(providerDescriptions(config)).toEqual(['file /srv/app/secrets', 'env SECRET_<NAME> (plain)']);
  });
});
