import { type LoopbackServer, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { boundedRequest, safeUrl } from '../../src/http/bounded-request.js';
import { defaultRetryPolicy } from '../../src/http/retry-policy.js';
import { requestToken } from '../../src/http/token-request.js';
import { tokenFailure } from '../helpers/token-failure.js';

const MiB = 1 << 20;

let elsewhere: LoopbackServer;
let elsewhereHits = 0;
let server: LoopbackServer;
const sent = { bytes: 0 };

beforeAll(async () => {
  elsewhere = await startLoopbackServer((_req, res) => {
    elsewhereHits++;
    sendJson(res, 200, { access_token: 'stolen', token_type: 'Bearer' });
  });
  server = await startLoopbackServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(307, { location: `${elsewhere.url}/token?code=sekrit` });
      res.end();
      return;
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      const pump = () => {
        while (!closed && sent.bytes < 50 * MiB) {
          sent.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!closed) res.end();
      };
      pump();
      return;
    }
    if (req.url === '/chunks') {
      // No content-length: chunked, in three writes.
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-twice': ['a', 'b'] });
      res.write('{"access_token":');
      setTimeout(() => res.write('"chunked-token-value",'), 5);
      setTimeout(() => res.end('"token_type":"Bearer"}'), 10);
      return;
    }
    if (req.url === '/cut') {
      // Promises 100 bytes, sends 10, then drops the connection.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"access_t');
      setTimeout(() => res.destroy(), 5);
      return;
    }
    sendJson(res, 200, { ok: true });
  });
});
afterAll(async () => {
  await Promise.all([elsewhere?.close(), server?.close()]);
});

function call(endpoint: string) {
  return requestToken(
    {
      credential: 'my_oauth',
      endpoint,
      timeoutMs: 5000,
      prepare: async () => ({
        form: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 'the-client-secret' }),
        headers: {},
      }),
    },
    { clock: systemClock, logger: { warn: () => {} }, retry: { ...defaultRetryPolicy, baseDelayMs: 10 } },
  );
}

describe('token requests: no redirects, 1 MiB cap', () => {
  it('refuses a 307 without sending the secret to the other server', async () => {
    const err = await tokenFailure(call(`${server.url}/redirect`), ['the-client-secret']);
    expect(elsewhereHits).toBe(0);
    expect(err).toMatchObject({ code: 'ERR_TOKEN_HTTP_STATUS', status: 307 });
    expect(err.message).toBe(
      `credential 'my_oauth': token endpoint answered HTTP 307, a redirect: credflow never follows redirects when it sends credentials; configure the final URL (endpoint ${server.url}/redirect)`,
    );
    expect(err.message).not.toContain('sekrit');
  });

  it('stops reading a 50 MiB answer after 1 MiB, with a clear error', async () => {
    const err = await tokenFailure(call(`${server.url}/huge`));
    expect(err).toMatchObject({ code: 'ERR_TOKEN_RESPONSE_INVALID', status: 200 });
    expect(err.message).toContain(
      'token endpoint answered HTTP 200 with a body over 1 MiB (content-type application/json)',
    );
    await expect.poll(() => sent.bytes).toBeGreaterThan(MiB);
    expect(sent.bytes).toBeLessThan(12 * MiB);
  });
});

describe('boundedRequest', () => {
  it('returns the body of a small answer whole', async () => {
    const out = await boundedRequest(`${server.url}/small`, { method: 'GET', headers: {}, timeoutMs: 2000 });
    expect(out).toMatchObject({ kind: 'response', status: 200, contentType: 'application/json', tooLarge: false });
    expect(out.kind === 'response' && out.body.toString()).toBe('{"ok":true}');
  });

  it('reads a chunked answer (no content-length) whole, and gives one value per header', async () => {
    const out = await boundedRequest(`${server.url}/chunks`, { method: 'GET', headers: {}, timeoutMs: 2000 });
    expect(out).toMatchObject({ kind: 'response', status: 200, contentType: 'application/json', tooLarge: false });
    if (out.kind !== 'response') throw new Error('no response');
    expect(JSON.parse(out.body.toString())).toEqual({ access_token: 'chunked-token-value', token_type: 'Bearer' });
    expect(out.headers['x-twice']).toBe('a');
  });

  it('fails when the connection drops before the body ends, and reads the next answer as usual', async () => {
    await expect(
      boundedRequest(`${server.url}/cut`, { method: 'GET', headers: {}, timeoutMs: 2000 }),
    ).rejects.toThrow();
    const out = await boundedRequest(`${server.url}/small`, { method: 'GET', headers: {}, timeoutMs: 2000 });
    expect(out.kind === 'response' && out.body.toString()).toBe('{"ok":true}');
  });

  it('respects a smaller cap', async () => {
    const out = await boundedRequest(`${server.url}/small`, {
      method: 'GET',
      headers: {},
      timeoutMs: 2000,
      maxBytes: 5,
    });
    expect(out).toMatchObject({ kind: 'response', tooLarge: true });
  });

  it('safeUrl keeps origin and path only', () => {
    expect(safeUrl('https://u:p@api.example.com/a/b?token=x#f')).toBe('https://api.example.com/a/b');
    expect(safeUrl('not a url')).toBe('(invalid URL)');
  });
});
