import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, systemClock } from '../../src/clock.js';
import { defaultRetryPolicy, parseRetryAfter } from '../../src/http/retry-policy.js';
import { requestToken } from '../../src/http/token-request.js';
import { parseExpiresIn } from '../../src/http/token-response.js';
import { tokenFailure } from '../helpers/token-failure.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void>;

async function serve(handler: Handler) {
  const times: number[] = [];
  const bodies: string[] = [];
  server = await startLoopbackServer(async (req, res) => {
    times.push(performance.now());
    bodies.push(await readBody(req));
    await handler(req, res, times.length);
  });
  return { url: `${server.url}/token`, times, bodies };
}

function call(
  endpoint: string,
  opts: { maxAttempts?: number; timeoutMs?: number; credential?: string; logger?: Logger } = {},
) {
  const warnings: string[] = [];
  const p = requestToken(
    {
      credential: opts.credential ?? 'my_oauth',
      endpoint,
      timeoutMs: opts.timeoutMs ?? 5000,
      prepare: async () => ({
        form: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 'the-client-secret' }),
        headers: {},
      }),
    },
    {
      clock: systemClock,
      logger: opts.logger ?? { warn: (m) => warnings.push(m) },
      retry: { ...defaultRetryPolicy, baseDelayMs: 20, maxAttempts: opts.maxAttempts ?? 3 },
    },
  );
  return { p, warnings };
}

async function failure(p: Promise<unknown>) {
  const e = await tokenFailure(p, ['the-client-secret']);
  expect(e.message).toContain("credential 'my_oauth'");
  return e;
}

const ok = { access_token: 'at-123', token_type: 'Bearer', expires_in: 3600, scope: 'a b' };

describe('requestToken', () => {
  it('parses a successful response', async () => {
    const s = await serve((_q, res) => sendJson(res, 200, ok));
    const { p } = call(s.url);
    expect(await p).toMatchObject({ accessToken: 'at-123', tokenType: 'Bearer', expiresIn: 3600, scopes: ['a', 'b'] });
    expect(s.bodies[0]).toBe('grant_type=client_credentials&client_secret=the-client-secret');
  });

  it('retries 503 twice, then succeeds', async () => {
    const s = await serve((_q, res, n) =>
      n <= 2 ? sendJson(res, 503, { error: 'unavailable' }) : sendJson(res, 200, ok),
    );
    const { p, warnings } = call(s.url);
    expect((await p).accessToken).toBe('at-123');
    expect(s.times).toHaveLength(3);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/token request failed \(HTTP 503\), retry 1\/2/);
  });

  it('honours Retry-After on 429 and stops after a bounded number of tries', async () => {
    const s = await serve((_q, res) => sendJson(res, 429, { error: 'slow_down' }, { 'retry-after': '1' }));
    const { p } = call(s.url, { maxAttempts: 2 });
    const err = await failure(p);
    expect(s.times).toHaveLength(2);
    expect((s.times[1] ?? 0) - (s.times[0] ?? 0)).toBeGreaterThanOrEqual(990);
    expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', status: 429, error: 'slow_down' });
    expect(err.message).toContain('after 2 attempts');
  });

  it('does not wait for a Retry-After longer than the policy allows', async () => {
    const s = await serve((_q, res) => sendJson(res, 503, {}, { 'retry-after': '3600' }));
    const err = await failure(call(s.url).p);
    expect(s.times).toHaveLength(1);
    expect(err.message).toContain('Retry-After too long to wait');
  });

  it('surfaces RFC 6749 errors with their fields, without retrying', async () => {
    const s = await serve((_q, res) =>
      sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' }),
    );
    const err = await failure(call(s.url).p);
    expect(s.times).toHaveLength(1);
    expect(err).toMatchObject({
      code: 'ERR_OAUTH_ERROR_RESPONSE',
      status: 401,
      error: 'invalid_client',
      error_description: 'client authentication failed',
      credential: 'my_oauth',
      endpoint: s.url,
    });
    expect(err.message).toBe(
      `credential 'my_oauth': token endpoint rejected the request: invalid_client (client authentication failed) [HTTP 401]: check the client id, and the secret's (or key's) value and encoding (env secrets are base64 unless the provider has encoding: plain) (endpoint ${s.url})`,
    );
  });

  it('names the content type of an HTML answer, not its body', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>login page with the-client-secret</html>');
    });
    const err = await failure(call(s.url).p);
    expect(err.code).toBe('ERR_TOKEN_RESPONSE_INVALID');
    expect(err.message).toContain('body that is not JSON (content-type text/html, 46 bytes)');
    expect(err.message).not.toContain('login page');
  });

  it.each([
    ['invalid JSON', '{"access_token": ', 'not JSON (content-type application/json'],
    ['no access_token', '{"token_type":"Bearer"}', 'token response has no access_token (fields: token_type)'],
    ['an array', '[1]', 'token response is not a JSON object'],
    ['token_type mac', '{"access_token":"x","token_type":"mac"}', "token_type 'mac' is not supported"],
  ])('refuses %s', async (_name, body, message) => {
    const s = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const err = await failure(call(s.url).p);
    expect(err.code).toBe('ERR_TOKEN_RESPONSE_INVALID');
    expect(err.message).toContain(message);
  });

  it('takes a missing token_type as Bearer, with one warning per credential, not per mint (RFC 6749 section 5.1)', async () => {
    const token = 'at-without-type-0123456789';
    const s = await serve((_q, res) => sendJson(res, 200, { access_token: token, expires_in: 3600 }));
    const warnings: string[] = [];
    const logger: Logger = { warn: (m) => warnings.push(m) };
    for (let i = 0; i < 2; i++) {
      expect(await call(s.url, { logger }).p).toMatchObject({ accessToken: token, tokenType: 'Bearer' });
    }
    expect(warnings).toEqual([
      `credential 'my_oauth': token response has no token_type (RFC 6749 section 5.1 requires it); treating the token as Bearer (endpoint ${s.url})`,
    ]);
    await call(s.url, { logger, credential: 'other_oauth' }).p;
    await call(s.url, { logger, credential: 'other_oauth' }).p;
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain("credential 'other_oauth': token response has no token_type");
    expect(warnings.join('\n')).not.toContain(token);
    expect(s.times).toHaveLength(4);
  });

  it('reports 5xx without JSON after the retries', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('bad gateway');
    });
    const err = await failure(call(s.url).p);
    expect(s.times).toHaveLength(3);
    expect(err).toMatchObject({ code: 'ERR_TOKEN_HTTP_STATUS', status: 502 });
    expect(err.message).toContain('answered HTTP 502 (content-type text/html) after 3 attempts');
  });

  it('reports a refused connection after retrying', async () => {
    const s = await serve(() => {});
    await server?.close();
    server = undefined;
    const { p, warnings } = call(s.url);
    const err = await failure(p);
    expect(err.code).toBe('ERR_TOKEN_NETWORK');
    expect(err.message).toContain('ECONNREFUSED');
    expect(warnings).toHaveLength(2);
  });

  it('times out a server that never answers', async () => {
    const s = await serve(() => new Promise(() => {}));
    const started = performance.now();
    const err = await failure(call(s.url, { timeoutMs: 200, maxAttempts: 2 }).p);
    expect(err.code).toBe('ERR_TOKEN_TIMEOUT');
    expect(s.times).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it.each([
    [{ ...ok, expires_in: '3600' }, 3600],
    [{ ...ok, expires_in: '3.6e3' }, 3600],
    [{ ...ok, expires_in: 0 }, 0],
    [{ ...ok, expires_in: 10 ** 12 }, 366 * 24 * 3600],
  ])('reads expires_in %j', async (body, expected) => {
    const s = await serve((_q, res) => sendJson(res, 200, body));
    expect((await call(s.url).p).expiresIn).toBe(expected);
  });

  it.each([-5, 'soon', true, {}])('ignores an unusable expires_in (%j) with a warning', async (v) => {
    const s = await serve((_q, res) => sendJson(res, 200, { ...ok, expires_in: v }));
    const { p, warnings } = call(s.url);
    expect((await p).expiresIn).toBeUndefined();
    expect(warnings[0]).toContain('ignoring unusable expires_in');
  });
});

describe('parseExpiresIn', () => {
  it('accepts numbers and numeric strings only', () => {
    expect(parseExpiresIn(undefined)).toBeUndefined();
    expect(parseExpiresIn(59.9)).toBe(59);
    expect(parseExpiresIn(' 60 ')).toBe(60);
    expect(parseExpiresIn('0x10')).toBe('invalid');
    expect(parseExpiresIn('')).toBe('invalid');
    expect(parseExpiresIn(Number.POSITIVE_INFINITY)).toBe('invalid');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('later', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});
