/**
 * Leak suite, round two: loopback servers that echo back everything they
 * receive (client secrets, client_secret_basic headers, client assertions,
 * GitHub App JWTs, Authorization headers, JSON bodies holding a secret with
 * `"`, `\` and a PEM) in every place a server can: JSON body, `scope`,
 * `error`, `error_description`, response headers. Driven through `credflow
 * run`, `run --json`, `credentials test` (human and --json) as child
 * processes of the built CLI, the UI's Test connection API, and the library.
 *
 * The oracle is the testkit's leak scanner, independent of the product (it
 * does not use the product's list of encodings): it searches every output
 * for every secret, token, assertion and app JWT raw, JSON-, percent-, form-
 * and HTML-escaped, in hex, in base64 and base64url (also inside a longer
 * encoded string: Basic headers, JWT payloads), and for any 16-character
 * substring of each.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import {
  describeFindings,
  type LoopbackServer,
  readBody,
  scanForLeaks,
  sendJson,
  startLoopbackServer,
} from '@credflow/testkit';
import { startUi, type UiServer } from '@credflow/ui';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

const rsaPem = () =>
  String(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
const random = (n: number) => randomBytes(n).toString('base64url');

/** Secrets: odd characters on purpose (quote, backslash, slash, space, non-ASCII, `+`, `=`, `:`). */
const SECRETS = {
  CLIENT_SECRET: `cs "${random(12)}" \\ / é+=:${random(6)}`,
  API_PASSWORD: `pw:${random(15)}/"\\`,
  QUOTED: `q"uo\\ted/${random(15)}\n"end"`,
  PEM: rsaPem(),
  PKJWT_KEY: rsaPem(),
  JWTB_KEY: rsaPem(),
  GH_KEY: rsaPem(),
};
const env: Record<string, string> = Object.fromEntries(
  Object.entries(SECRETS).map(([k, v]) => [`SECRET_${k}`, Buffer.from(v).toString('base64')]),
);

/** Every token the servers minted, and every credential they received (assertions, app JWTs, headers). */
const minted: string[] = [];
const received: string[] = [];
/** Everything credflow printed or answered in this file, by vector (credential or flow) and path. */
const outputs: { vector: string; path: string; text: string }[] = [];
const record = (vector: string, path: string, ...texts: string[]) => {
  for (const text of texts) outputs.push({ vector, path, text });
};

let tokens: LoopbackServer;
let api: LoopbackServer;
let github: LoopbackServer;
let ui: UiServer;
let dir: string;
let config: string;
const definitions: Record<string, Record<string, unknown>> = {};

const mint = (prefix = 'echo-at-') => {
  const t = `${prefix}${random(30)}`;
  minted.push(t);
  return t;
};

/** Records what a request carried as credentials and returns it, as the echo. */
function capture(req: IncomingMessage, form?: URLSearchParams): string[] {
  const sent: string[] = [];
  const auth = req.headers.authorization;
  if (auth) {
    sent.push(auth);
    received.push(auth.replace(/^\S+\s+/, ''));
  }
  for (const field of ['client_secret', 'client_assertion', 'assertion']) {
    const v = form?.get(field);
    if (v) {
      sent.push(v);
      received.push(v);
    }
  }
  return sent;
}

const headerSafe = (v: string) => v.replace(/[^\x20-\x7e]/g, '?');

beforeAll(async () => {
  // A token endpoint whose path says where it echoes what it was sent.
  tokens = await startLoopbackServer(async (req, res) => {
    const raw = await readBody(req);
    const form = new URLSearchParams(raw);
    const url = new URL(req.url ?? '/', 'http://x');
    const sent = capture(req, form);
    const echo = sent.join(' ');
    const ok = { access_token: mint(), token_type: 'Bearer', expires_in: 3600 };
    switch (url.pathname) {
      case '/body':
        return sendJson(res, 200, { ...ok, echo: { headers: req.headers, body: raw, params: url.search, sent } });
      case '/scope':
        return sendJson(res, 200, { ...ok, scope: `api:read ${echo}` });
      case '/header':
        return sendJson(res, 200, ok, { 'x-echo': headerSafe(echo), 'www-authenticate': headerSafe(echo) });
      case '/error':
        return sendJson(res, 400, { error: 'invalid_client', error_description: `you sent ${echo}` });
      case '/error-code':
        return sendJson(res, 401, { error: sent[0] ?? 'none', error_description: 'x' });
      case '/error-header':
        return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': headerSafe(`Basic ${echo}`) });
      default:
        return sendJson(res, 404, {});
    }
  });
  // An API that echoes the Authorization header and the body, in its body and in a header.
  api = await startLoopbackServer(async (req, res) => {
    const body = await readBody(req);
    capture(req);
    sendJson(
      res,
      200,
      { authorization: req.headers.authorization ?? null, body },
      { 'x-echo-auth': req.headers.authorization ?? '' },
    );
  });
  // GitHub-like: echoes the app JWT in permissions (so in scopes), in a header and in error messages.
  github = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    const sent = capture(req);
    const jwt = sent[0] ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/deny/'))
      return sendJson(res, 401, { message: `Bad credentials: ${jwt}` }, { 'x-echo': jwt });
    if (url.pathname === '/ok/orgs/acme/installation') return sendJson(res, 200, { id: 7, echo: jwt });
    if (url.pathname === '/ok/app/installations/7/access_tokens') {
      return sendJson(
        res,
        201,
        {
          token: mint('ghs_'),
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: { contents: 'read', [`echo ${jwt}`]: 'read' },
          repository_selection: 'all',
        },
        { 'x-echo': jwt },
      );
    }
    return sendJson(res, 404, { message: 'Not Found' });
  });

  const basic = (path: string) => ({
    type: 'client_credentials',
    tokenEndpoint: `${tokens.url}${path}`,
    clientId: 'echo client',
    clientSecret: { secret: 'CLIENT_SECRET' },
  });
  Object.assign(definitions, {
    basic_body: basic('/body'),
    basic_scope: basic('/scope'),
    basic_header: basic('/header'),
    basic_error: basic('/error'),
    basic_error_code: basic('/error-code'),
    basic_error_header: basic('/error-header'),
    post_scope: { ...basic('/scope'), clientAuthMethod: 'client_secret_post' },
    post_error: { ...basic('/error'), clientAuthMethod: 'client_secret_post' },
    pkjwt_scope: {
      type: 'private_key_jwt',
      tokenEndpoint: `${tokens.url}/scope`,
      clientId: 'pk',
      privateKey: { secret: 'PKJWT_KEY' },
    },
    pkjwt_error: {
      type: 'private_key_jwt',
      tokenEndpoint: `${tokens.url}/error`,
      clientId: 'pk',
      privateKey: { secret: 'PKJWT_KEY' },
    },
    jwtb_scope: {
      type: 'jwt_bearer',
      tokenEndpoint: `${tokens.url}/scope`,
      issuer: 'sa@example.test',
      privateKey: { secret: 'JWTB_KEY' },
      clientId: 'jb',
      clientSecret: { secret: 'CLIENT_SECRET' },
    },
    jwtb_error: {
      type: 'jwt_bearer',
      tokenEndpoint: `${tokens.url}/error`,
      issuer: 'sa@example.test',
      privateKey: { secret: 'JWTB_KEY' },
    },
    gh_ok: {
      type: 'github_app',
      appId: 42,
      privateKey: { secret: 'GH_KEY' },
      installationId: 7,
      baseUrl: `${github.url}/ok`,
    },
    gh_lookup: {
      type: 'github_app',
      appId: 42,
      privateKey: { secret: 'GH_KEY' },
      owner: 'acme',
      baseUrl: `${github.url}/ok`,
    },
    gh_deny: {
      type: 'github_app',
      appId: 42,
      privateKey: { secret: 'GH_KEY' },
      installationId: 7,
      baseUrl: `${github.url}/deny`,
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'credflow-leaks-echo-'));
  config = join(dir, 'credflow.yaml');
  await writeFile(
    config,
    `credentials:\n${Object.entries(definitions)
      .map(([k, d]) => `  ${k}: ${JSON.stringify(d)}`)
      .join('\n')}\n`,
  );
  ui = await startUi({
    configPath: config,
    port: 0,
    secretProviders: [new EnvSecretProvider({ env })],
    logger: { warn: (m) => record('ui', 'UI API', m) },
  });
});

afterAll(async () => {
  await ui?.close();
  await Promise.all([tokens?.close(), api?.close(), github?.close()]);
});

const okKeys = () => Object.keys(definitions).filter((k) => !/error|deny/.test(k));
const failingKeys = () => Object.keys(definitions).filter((k) => /error|deny/.test(k));

/** Runs tasks a few at a time (child processes are heavy). */
async function limited<T>(tasks: (() => Promise<T>)[], width = 6): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) out[i] = await (tasks[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

async function cli(vector: string, args: string[]) {
  const r = await runCli(args, env);
  const path = `${args[0] === 'run' ? 'run' : 'credentials test'}${args.includes('--json') ? ' --json' : ''}`;
  record(vector, path, r.stdout, r.stderr);
  return r;
}

// ---------------------------------------------------------------- the oracle

/** Every hit of every value in `text` (the testkit's scanner), one line each, naming no value. */
function scan(text: string, values: string[]): string[] {
  return describeFindings(scanForLeaks(text, values));
}

describe('leak suite: echo servers', { timeout: 120_000 }, () => {
  it('the scanner finds planted values (it can fail)', () => {
    const secret = SECRETS.CLIENT_SECRET;
    const token = `echo-at-${random(30)}`;
    expect(scan(`x ${Buffer.from(secret).toString('base64')} y`, [secret])).toContainEqual(
      expect.stringContaining('as base64'),
    );
    expect(scan(`x ${JSON.stringify({ k: SECRETS.PEM })} y`, [SECRETS.PEM]).length).toBeGreaterThan(0);
    expect(scan(`partial: ${token.slice(5, 23)}`, [token])).toEqual([
      expect.stringContaining('16-character substring from needle offset 5'),
    ]);
    expect(scan(`hex ${Buffer.from(token).toString('hex')}`, [token])).toEqual([expect.stringContaining('as hex')]);
    expect(
      scan(`Basic ${Buffer.from(`ada:${SECRETS.API_PASSWORD}`).toString('base64')}`, [SECRETS.API_PASSWORD]),
    ).not.toEqual([]);
    expect(scan('nothing here ******', [secret, token])).toEqual([]);
  });

  it('credentials test and credentials test --json, for every vector', async () => {
    const runs = await limited(
      Object.keys(definitions).flatMap((k) => [
        () => cli(k, ['credentials', 'test', k, '--config', config]),
        () => cli(k, ['credentials', 'test', k, '--config', config, '--json']),
      ]),
    );
    for (const [i, k] of Object.keys(definitions).entries()) {
      const [human, json] = [runs[2 * i], runs[2 * i + 1]];
      const want = okKeys().includes(k) ? 0 : 1;
      expect(human?.code, `${k}: ${human?.stdout}${human?.stderr}`).toBe(want);
      expect(json?.code, `${k}: ${json?.stdout}${json?.stderr}`).toBe(want);
      expect(JSON.parse(json?.stdout ?? '').ok, k).toBe(want === 0);
    }
    // The vectors reached the output, masked: scopes and RFC 6749 error text are shown.
    const all = runs.map((r) => r.stdout).join('\n');
    expect(all).toMatch(/scopes {6}api:read \*{6}/);
    expect(all).toMatch(/invalid_client \(you sent \*{6}/);
    expect(all).toContain('echo ******:read');
  });

  it('credflow run and run --json: API echoes of Basic and Bearer headers, JSON bodies with quotes and a PEM', async () => {
    const request = (id: string, auth: string, extra = '') => `  - id: ${id}
    type: io.kestra.plugin.core.http.Request
    uri: "${api.url}/echo?key=<< secret('API_PASSWORD') | urlencode >>"
    method: POST
    auth: ${auth}${extra}
  - id: ${id}_log
    type: io.kestra.plugin.core.log.Log
    message: ["<< outputs.${id}.body >>", "<< outputs.${id}.headers | json >>", "<< outputs.${id}.uri >>"]
`;
    const flow = join(dir, 'echo.yaml');
    await writeFile(
      flow,
      `id: echo\nnamespace: leaks\ntasks:\n${request(
        'basic',
        `{ type: BASIC, username: ada, password: "<< secret('API_PASSWORD') >>" }`,
        `\n    body: { q: "<< secret('QUOTED') >>", pem: "<< secret('PEM') >>", s: "<< secret('CLIENT_SECRET') >>" }`,
      )}${okKeys()
        .map((k) => request(k, `{ type: BEARER, token: "<< credential('${k}') >>" }`))
        .join('')}  - id: json_filter
    type: io.kestra.plugin.core.log.Log
    message: "<% set q = secret('QUOTED') %><% set pem = secret('PEM') %><< {'q': q, 'pem': pem} | json >>"
  - id: values
    type: io.kestra.plugin.core.output.OutputValues
    values: { echoed: "<< outputs.basic.body >>", headers: "<< outputs.basic.headers | json >>" }
outputs:
  - { id: echoed, value: "<< outputs.basic.body >>" }
`,
    );
    for (const json of [[], ['--json']]) {
      const r = await cli('API echo flow (Basic, Bearer of every working credential, JSON body, PEM)', [
        'run',
        flow,
        '--config',
        config,
        ...json,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('******');
    }
    // The API really saw a Basic header and the JSON body.
    expect(received.some((v) => Buffer.from(v, 'base64').toString().startsWith('ada:pw:'))).toBe(true);
  });

  it('credflow run and run --json: token endpoint failures in a task', async () => {
    for (const k of failingKeys()) {
      const yaml = `id: f\nnamespace: leaks\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "<< credential('${k}') >>"\n`;
      await writeFile(join(dir, `fail-${k}.yaml`), yaml);
    }
    const runs = await limited(
      failingKeys().flatMap((k) =>
        [[], ['--json']].map((json) => () => cli(k, ['run', join(dir, `fail-${k}.yaml`), '--config', config, ...json])),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(1);
    expect(runs.map((r) => r.stderr).join('\n')).toMatch(/invalid_client \(you sent \*{6}/);
  });

  it('the UI Test connection API', async () => {
    for (const [key, definition] of Object.entries(definitions)) {
      const res = await fetch(`${ui.origin}/api/test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-credflow-key': ui.key },
        body: JSON.stringify({ key, definition }),
      });
      const text = await res.text();
      record(key, 'UI API', text);
      expect(res.status, text).toBe(200);
      expect(JSON.parse(text).ok, `${key}: ${text}`).toBe(okKeys().includes(key));
    }
  });

  it('the library: store errors, test() reports and warnings', async () => {
    const warnings: string[] = [];
    const store = await CredentialStore.fromFile(config, {
      secretProviders: [new EnvSecretProvider({ env })],
      logger: { warn: (m) => warnings.push(m) },
      retry: { maxAttempts: 1 },
    });
    for (const key of Object.keys(definitions)) {
      try {
        record(key, 'library', JSON.stringify(await store.test(key)));
      } catch (err) {
        const e = err as Error & { cause?: Error };
        const texts = [e.message, e.stack ?? '', JSON.stringify(e), String(e.cause?.message), String(e.cause?.stack)];
        record(key, 'library', ...texts);
      }
    }
    record('warnings', 'library', ...warnings);
  });

  it('found no secret, token, assertion or app JWT anywhere: zero hits', () => {
    const all = outputs.map((o) => o.text).join('\n');
    expect(all.length).toBeGreaterThan(20_000);
    // The servers saw what they were meant to echo.
    const jwts = received.filter((v) => v.split('.').length === 3 && v.startsWith('eyJ'));
    expect(jwts.length).toBeGreaterThan(10); // client assertions, jwt-bearer assertions, app JWTs
    expect(minted.filter((t) => t.startsWith('ghs_')).length).toBeGreaterThan(3);
    const values = [...Object.values(SECRETS), ...minted, ...received];
    // Hits and masks per vector and path: every cell must have zero hits.
    const cells = new Map<string, { texts: string[] }>();
    for (const o of outputs) {
      const id = `${o.vector} | ${o.path}`;
      if (!cells.has(id)) cells.set(id, { texts: [] });
      cells.get(id)?.texts.push(o.text);
    }
    const matrix = [...cells].map(([id, c]) => {
      const text = c.texts.join('\n');
      return { cell: id, hits: scan(text, values).length, masks: text.split('******').length - 1 };
    });
    if (process.env.CREDFLOW_LEAK_MATRIX) console.table(matrix);
    expect(matrix.length).toBeGreaterThan(50);
    expect(matrix.filter((m) => m.hits > 0)).toEqual([]);
    expect(scan(all, values)).toEqual([]);
  });
});
