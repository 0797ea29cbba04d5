import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { type LoopbackServer, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSecretProvider } from '../../../src/secrets/env-provider.js';
import { CredentialStore } from '../../../src/store.js';
import { tokenFailure as failure } from '../../helpers/token-failure.js';

// Every request the GitHub App grant makes (owner lookup, token) gets the
// credential's timeout, the 1 MiB response cap, and never follows a redirect.

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/keys/${name}`, import.meta.url), 'utf8');
const env = { SECRET_GH_KEY: Buffer.from(fixture('rsa-pkcs1.pem')).toString('base64') };
const MiB = 1 << 20;

/** Streams `total` bytes of a JSON-looking body with backpressure; records how much was written before the client left. */
function streamHuge(res: ServerResponse, status: number, total: number, sent: { bytes: number; done: boolean }): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let closed = false;
  res.on('close', () => {
    closed = true;
    sent.done = true;
  });
  const pump = () => {
    while (!closed && sent.bytes < total) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!closed) res.end();
  };
  pump();
}

let elsewhere: LoopbackServer; // where a redirect points: must never be reached
const elsewhereHits: string[] = [];
let redirecting: LoopbackServer;
let silent: LoopbackServer; // accepts requests, never answers
const silentHits: number[] = [];
let huge: LoopbackServer;
const hugeSent = { bytes: 0, done: false };

beforeAll(async () => {
  elsewhere = await startLoopbackServer((req, res) => {
    elsewhereHits.push(`${req.method} ${req.url} ${req.headers.authorization ? 'with authorization' : ''}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":987,"token":"ghs_stolen","expires_at":"2099-01-01T00:00:00Z"}');
  });
  redirecting = await startLoopbackServer((req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}${req.url}?steal=1&code=sekrit` });
    res.end();
  });
  silent = await startLoopbackServer(() => {
    silentHits.push(performance.now());
  });
  huge = await startLoopbackServer((req, res) => {
    if (req.url === '/orgs/big-org/installation') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(400 * MiB) });
      res.write('{"id":');
      return; // a declared 400 MiB body: refused from the header, before reading
    }
    streamHuge(res, 201, 50 * MiB, hugeSent);
  });
});
afterAll(async () => {
  await Promise.all([elsewhere, redirecting, silent, huge].map((s) => s?.close()));
});

function store(baseUrl: string, fields: string, retry: { maxAttempts?: number } = {}) {
  const warnings: string[] = [];
  const s = CredentialStore.fromYaml(
    `credentials:\n  gh:\n    type: github_app\n    baseUrl: ${baseUrl}\n    appId: 12345\n    privateKey: { secret: GH_KEY }\n${fields}`,
    {
      secretProviders: [new EnvSecretProvider({ env })],
      logger: { warn: (m) => warnings.push(m) },
      retry: { baseDelayMs: 10, ...retry },
    },
  );
  return { s, warnings };
}

describe('github_app never follows a redirect', () => {
  it('refuses a 307 on the token request: the other server gets nothing', async () => {
    const before = elsewhereHits.length;
    const err = await failure(store(redirecting.url, '    installationId: 987\n').s.getToken('gh'));
    expect(elsewhereHits.length - before).toBe(0);
    expect(err).toMatchObject({ code: 'ERR_TOKEN_HTTP_STATUS', status: 307, credential: 'gh' });
    expect(err.message).toBe(
      `credential 'gh': GitHub answered HTTP 307, a redirect: credflow never follows redirects when it sends credentials; set baseUrl to the API's final URL (endpoint ${redirecting.url}/app/installations/987/access_tokens)`,
    );
    expect(err.message).not.toMatch(/steal|sekrit|\?/);
  });

  it('refuses a 307 on the owner lookup, without retrying', async () => {
    const before = elsewhereHits.length;
    const { s, warnings } = store(redirecting.url, '    owner: my-org\n');
    const err = await failure(s.getToken('gh'));
    expect(elsewhereHits.length - before).toBe(0);
    expect(warnings).toEqual([]);
    expect(err.status).toBe(307);
    expect(err.endpoint).toBe(`${redirecting.url}/orgs/my-org/installation`);
    expect(err.message).not.toMatch(/steal|sekrit/);
  });
});

describe('github_app honours timeout on every request', () => {
  it('fails an owner lookup that never answers after the configured timeout', async () => {
    const before = silentHits.length;
    const started = performance.now();
    const err = await failure(
      store(silent.url, '    owner: my-org\n    timeout: PT0.4S\n', { maxAttempts: 1 }).s.getToken('gh'),
    );
    const elapsed = performance.now() - started;
    expect(err).toMatchObject({ code: 'ERR_TOKEN_TIMEOUT', endpoint: `${silent.url}/orgs/my-org/installation` });
    expect(err.message).toContain('GitHub request timed out (timeout 400 ms)');
    expect(silentHits.length - before).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2000);
  });

  it('retries a timed-out request like a network failure', async () => {
    const before = silentHits.length;
    const started = performance.now();
    const { s, warnings } = store(silent.url, '    installationId: 987\n    timeout: PT0.3S\n', { maxAttempts: 2 });
    const err = await failure(s.getToken('gh'));
    const elapsed = performance.now() - started;
    expect(err.code).toBe('ERR_TOKEN_TIMEOUT');
    expect(err.message).toContain('GitHub request timed out (timeout 300 ms) after 2 attempts');
    expect(warnings).toHaveLength(1);
    expect(silentHits.length - before).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('github_app reads at most 1 MiB of any response', () => {
  it('stops reading a 50 MiB token response early, with a clear error and little memory', async () => {
    const rssBefore = process.memoryUsage.rss();
    const err = await failure(store(huge.url, '    installationId: 987\n').s.getToken('gh'));
    const rssGrowth = process.memoryUsage.rss() - rssBefore;
    expect(err).toMatchObject({ code: 'ERR_TOKEN_RESPONSE_INVALID', status: 201 });
    expect(err.message).toContain('GitHub answered HTTP 201 with a body over 1 MiB (content-type application/json)');
    await expect.poll(() => hugeSent.done).toBe(true);
    // The client hung up after ~1 MiB: the server could not push the 50 MiB.
    expect(hugeSent.bytes).toBeLessThan(12 * MiB);
    expect(rssGrowth).toBeLessThan(64 * MiB);
    console.info(
      `50 MiB stream: server wrote ${(hugeSent.bytes / MiB).toFixed(1)} MiB before the client hung up; RSS grew ${(rssGrowth / MiB).toFixed(1)} MiB`,
    );
  });

  it('refuses a lookup answer that declares 400 MiB without reading it', async () => {
    const err = await failure(store(huge.url, '    owner: big-org\n').s.getToken('gh'));
    expect(err).toMatchObject({
      code: 'ERR_TOKEN_RESPONSE_INVALID',
      endpoint: `${huge.url}/orgs/big-org/installation`,
    });
    expect(err.message).toContain('body over 1 MiB');
  });
});
