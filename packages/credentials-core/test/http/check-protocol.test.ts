import { sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { TokenNetworkError } from '../../src/errors.js';
import { boundedRequest } from '../../src/http/bounded-request.js';
import { protocolRefusal } from '../../src/http/check-protocol.js';
import { octokitFetch } from '../../src/http/octokit-fetch.js';
import { defaultRetryPolicy } from '../../src/http/retry-policy.js';
import { requestToken } from '../../src/http/token-request.js';
import { answerOffLoopback, OFF_LOOPBACK_ORIGIN, type OffLoopback } from '../helpers/off-loopback.js';
import { tokenFailure } from '../helpers/token-failure.js';

// SPEC section 3: plain http:// only to loopback. The schemas check the URLs
// they read; these tests check the rule where each request is made, so a
// URL that got past a schema (a discovered endpoint, say) is still refused.
const PLAIN = 'plain http:// is allowed only to a loopback host (localhost, 127.0.0.0/8, [::1]): use https://';

let off: OffLoopback;
beforeEach(() => {
  off = answerOffLoopback();
});
afterEach(async () => {
  await off.restore();
});

describe('protocolRefusal', () => {
  it('lets https:// and loopback http:// through', () => {
    for (const url of [
      'https://idp.example.com/token',
      'https://example.invalid/token',
      'http://127.0.0.1:8080/token',
      'http://127.9.9.9/token',
      'http://localhost:1/token',
      'http://[::1]:9/token',
      'http://0x7f.1/token', // the URL parser makes it 127.0.0.1, where the request goes
    ]) {
      expect(protocolRefusal(url), url).toBeUndefined();
    }
  });

  it('refuses plain http:// off loopback, other schemes and URLs that do not parse', () => {
    for (const url of [
      `${OFF_LOOPBACK_ORIGIN}/token`,
      'http://127.attacker.example/token',
      'http://localhost.attacker/token',
      'http://10.0.0.1/token',
      'http://[::2]/token',
    ]) {
      expect(protocolRefusal(url), url).toBe(PLAIN);
    }
    expect(protocolRefusal('ftp://idp.example.com/token')).toBe(
      'only https:// URLs (or http:// to a loopback host) are used, not ftp:',
    );
    expect(protocolRefusal('not a url')).toBe('the URL is not valid');
  });
});

describe('the protocol rule where each request is made', () => {
  it('boundedRequest refuses a non-loopback http:// URL without sending anything, and sends to loopback http://', async () => {
    expect(
      await boundedRequest(`${OFF_LOOPBACK_ORIGIN}/token`, { method: 'POST', headers: {}, body: 'x', timeoutMs: 2000 }),
    ).toEqual({ kind: 'refused', reason: PLAIN });
    expect(off.hits).toEqual([]);
    const local = await startLoopbackServer((_req, res) => sendJson(res, 200, { ok: true }));
    try {
      const out = await boundedRequest(`${local.url}/x`, { method: 'GET', headers: {}, timeoutMs: 2000 });
      expect(out).toMatchObject({ kind: 'response', status: 200 });
    } finally {
      await local.close();
    }
  });

  it('a token request to a non-loopback http:// endpoint fails at once with a clear error: not sent, not retried', async () => {
    let prepared = 0;
    const err = await tokenFailure(
      requestToken(
        {
          credential: 'my_oauth',
          endpoint: `${OFF_LOOPBACK_ORIGIN}/token`,
          timeoutMs: 2000,
          prepare: async () => {
            prepared++;
            return {
              form: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 'the-client-secret' }),
              headers: {},
            };
          },
        },
        { clock: systemClock, logger: { warn: () => {} }, retry: { ...defaultRetryPolicy, baseDelayMs: 1 } },
      ),
      ['the-client-secret'],
    );
    expect(err).toBeInstanceOf(TokenNetworkError);
    expect(err.message).toBe(
      `credential 'my_oauth': refused to send the token request: ${PLAIN} (endpoint ${OFF_LOOPBACK_ORIGIN}/token)`,
    );
    expect(prepared).toBe(1);
    expect(off.hits).toEqual([]);
  });

  it('a GitHub request to a non-loopback http:// URL is refused without being sent', async () => {
    const send = octokitFetch('gh', 2000);
    const err = await send(`${OFF_LOOPBACK_ORIGIN}/app/installations/1/access_tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer app-jwt' },
      body: '{}',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenNetworkError);
    expect((err as Error).message).toBe(
      `credential 'gh': refused to send a GitHub request: ${PLAIN} (endpoint ${OFF_LOOPBACK_ORIGIN}/app/installations/1/access_tokens)`,
    );
    expect(off.hits).toEqual([]);
  });
});

describe('the protocol rule, request after request', () => {
  it('checks every request: a refused URL stays refused between allowed ones', async () => {
    const local = await startLoopbackServer((_req, res) => sendJson(res, 200, { ok: true }));
    try {
      for (let i = 0; i < 3; i++) {
        const allowed = await boundedRequest(`${local.url}/x`, { method: 'GET', headers: {}, timeoutMs: 2000 });
        expect(allowed).toMatchObject({ kind: 'response', status: 200 });
        expect(await boundedRequest(`${local.url}/x`, { method: 'GET', headers: {}, timeoutMs: 2000 })).toMatchObject({
          kind: 'response',
        });
        expect(
          await boundedRequest(`${OFF_LOOPBACK_ORIGIN}/token`, { method: 'GET', headers: {}, timeoutMs: 2000 }),
        ).toEqual({ kind: 'refused', reason: PLAIN });
        expect(
          await boundedRequest(`${OFF_LOOPBACK_ORIGIN}/token`, { method: 'GET', headers: {}, timeoutMs: 2000 }),
        ).toEqual({ kind: 'refused', reason: PLAIN });
      }
      expect(off.hits).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
