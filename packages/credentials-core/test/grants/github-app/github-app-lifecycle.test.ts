import { createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type GitHubApiServer, startGitHubApiServer } from '@credflow/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { isJwtTimeRefusal } from '../../../src/grants/github-app/github-clock.js';
import { gitHubRetryAdvice } from '../../../src/http/github-rate-limit.js';
import type { ExternalSigner } from '../../../src/keys/external-signer.js';
import { EnvSecretProvider } from '../../../src/secrets/env-provider.js';
import { CredentialStore } from '../../../src/store.js';
import { tokenFailure as failure } from '../../helpers/token-failure.js';
import { movableClock } from '../../helpers/virtual-clock.js';

// The GitHub App grant's lifecycle against the loopback GitHub API through
// the real store: the owner lookup's TTL and its drop after a 404, GitHub's
// rate-limit answers, and a clock that differs from GitHub's.

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/keys/${name}`, import.meta.url), 'utf8');
const privatePem = fixture('rsa-pkcs8.pem');
const env = { SECRET_GH_KEY: Buffer.from(fixture('rsa-pkcs1.pem')).toString('base64') };
const APP_ID = 12345;
const MIN = 60_000;
/** The "KMS": signs with the app's key, which credflow never sees on this path. */
const kms: ExternalSigner = { algorithm: 'RS256', sign: async (input) => sign('sha256', input, privatePem) };

const installation = (id: number, login: string) => ({
  id,
  account: { login, type: 'Organization' as const },
  permissions: { contents: 'read' as const },
  repositories: ['widgets'],
});

let gh: GitHubApiServer;
beforeAll(async () => {
  gh = await startGitHubApiServer({
    appId: APP_ID,
    publicKey: createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString(),
    installations: [installation(987, 'my-org')],
  });
});
afterAll(() => gh?.close());
afterEach(() => gh.setClockOffset(0));

interface StoreOptions {
  clock?: Clock;
  maxAttempts?: number;
  maxRetryAfterMs?: number;
}

/** A store with one `gh` credential (`fields` under it), its warnings collected. */
function store(fields: string, options: StoreOptions = {}) {
  const warnings: string[] = [];
  const s = CredentialStore.fromYaml(
    `credentials:\n  gh:\n    type: github_app\n    baseUrl: ${gh.url}\n    appId: ${APP_ID}\n${fields}`,
    {
      secretProviders: [new EnvSecretProvider({ env })],
      signers: { kms },
      logger: { warn: (m) => warnings.push(m) },
      retry: {
        baseDelayMs: 10,
        maxAttempts: options.maxAttempts ?? 3,
        ...(options.maxRetryAfterMs ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}),
      },
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );
  return { s, warnings };
}

/** Counts what the server received from here on. */
function counter() {
  const start = { lookups: gh.lookups.length, tokens: gh.tokenRequests.length, requests: gh.requests.length };
  const refused = gh.refusedJwts.length;
  return {
    lookups: () => gh.lookups.length - start.lookups,
    tokenIds: () => gh.tokenRequests.slice(start.tokens).map((r) => r.installationId),
    requests: () => gh.requests.slice(start.requests),
    refused: () => gh.refusedJwts.slice(refused),
  };
}

const KEY = '    privateKey: { secret: GH_KEY }\n';

describe('github_app: the installation looked up by owner', () => {
  it('is kept for an hour (one lookup for many mints), then looked up again', async () => {
    const clock = movableClock();
    const { s } = store(`${KEY}    owner: my-org\n`, { clock });
    const n = counter();
    for (let i = 0; i < 5; i++) {
      await s.getToken('gh');
      s.invalidate('gh');
    }
    expect(n.lookups()).toBe(1);
    expect(n.tokenIds()).toEqual([987, 987, 987, 987, 987]);
    clock.advance(59 * MIN);
    await s.getToken('gh');
    s.invalidate('gh');
    expect(n.lookups()).toBe(1);
    clock.advance(2 * MIN); // 61 minutes after the lookup
    await s.getToken('gh');
    expect(n.lookups()).toBe(2);
    expect(n.tokenIds()).toHaveLength(7);
  });

  it('is dropped when its token request answers 404: the app reinstalled under a new id is found in the same mint', async () => {
    gh.addInstallation(installation(300, 'moving-org'));
    const { s, warnings } = store(`${KEY}    owner: moving-org\n`);
    const n = counter();
    await s.getToken('gh');
    s.invalidate('gh');
    gh.removeInstallation(300);
    gh.addInstallation(installation(301, 'moving-org'));
    const token = await s.getToken('gh');
    expect(token).toMatch(/^ghs_/);
    // one lookup per installation, and the request to the removed one answered 404 once
    expect(n.lookups()).toBe(2);
    expect(n.tokenIds()).toEqual([300, 300, 301]);
    expect(warnings).toEqual([
      "credential 'gh': installation 300 of owner 'moving-org' is gone (HTTP 404); looking the owner's installation up again",
    ]);
    s.invalidate('gh');
    await s.getToken('gh');
    expect(n.lookups()).toBe(2); // the new id is kept
    expect(n.tokenIds()).toEqual([300, 300, 301, 301]);
  });

  it('is dropped when its token request answers 410 Gone, like a 404', async () => {
    gh.addInstallation(installation(600, 'gone-org'));
    const { s, warnings } = store(`${KEY}    owner: gone-org\n`);
    const n = counter();
    await s.getToken('gh');
    s.invalidate('gh');
    gh.rateLimit({ status: 410, on: 'token' });
    expect(await s.getToken('gh')).toMatch(/^ghs_/);
    // the refused request is answered before the server records it as a token request
    expect(n.requests().map((r) => `${r.kind} ${r.status}`)).toEqual([
      'lookup 200',
      'token 201',
      'token 410',
      'lookup 200',
      'token 201',
    ]);
    expect(warnings).toEqual([
      "credential 'gh': installation 600 of owner 'gone-org' is gone (HTTP 410); looking the owner's installation up again",
    ]);
  });

  it('uninstalled: a clear error after one token request and one lookup; the next mint after reinstalling looks up again', async () => {
    gh.addInstallation(installation(400, 'leaving-org'));
    const { s } = store(`${KEY}    owner: leaving-org\n`);
    await s.getToken('gh');
    s.invalidate('gh');
    gh.removeInstallation(400);
    const n = counter();
    const err = await failure(s.getToken('gh'));
    expect(err.message).toContain(`GitHub App ${APP_ID} has no installation for owner 'leaving-org' (HTTP 404)`);
    expect(n.tokenIds()).toEqual([400]);
    expect(n.requests().map((r) => `${r.kind} ${r.status}`)).toEqual(['token 404', 'lookup 404', 'lookup 404']);
    gh.addInstallation(installation(401, 'leaving-org'));
    await s.getToken('gh');
    expect(n.tokenIds()).toEqual([400, 401]);
  });

  it('a configured installationId is never dropped nor looked up', async () => {
    gh.addInstallation(installation(500, 'fixed-org'));
    const { s } = store(`${KEY}    installationId: 500\n`);
    await s.getToken('gh');
    s.invalidate('gh');
    gh.removeInstallation(500);
    gh.addInstallation(installation(501, 'fixed-org'));
    const n = counter();
    const err = await failure(s.getToken('gh'));
    expect(err.status).toBe(404);
    expect(err.message).toContain(`GitHub App ${APP_ID} has no installation 500 (HTTP 404: Not Found)`);
    await failure(s.getToken('gh'));
    expect(n.lookups()).toBe(0);
    expect(n.tokenIds()).toEqual([500, 500]);
  });
});

/** ms between the answer to request `i` and request `i + 1` (what the grant waited). */
const gap = (requests: { at: number }[], i: number) => (requests[i + 1]?.at ?? Number.NaN) - (requests[i]?.at ?? 0);

describe('github_app: GitHub rate limits', () => {
  it('honours Retry-After (seconds) on a 429, and on a 403 secondary rate limit', async () => {
    for (const answer of [
      { status: 429, retryAfter: 1 },
      { status: 403, retryAfter: 1, secondary: true },
    ]) {
      const { s, warnings } = store(`${KEY}    installationId: 987\n`);
      const n = counter();
      gh.rateLimit({ ...answer, on: 'token' });
      expect(await s.getToken('gh')).toMatch(/^ghs_/);
      const r = n.requests();
      expect(r.map((x) => x.status)).toEqual([answer.status, 201]);
      expect(gap(r, 0)).toBeGreaterThanOrEqual(950);
      expect(gap(r, 0)).toBeLessThan(3000);
      expect(warnings[0]).toMatch(
        new RegExp(`GitHub request failed \\(HTTP ${answer.status}, .*Retry-After 1 s\\), retry 1/2 in 1000 ms`),
      );
    }
  });

  it('honours a Retry-After HTTP date, measured against the answer\u2019s Date', async () => {
    const { s } = store(`${KEY}    installationId: 987\n`);
    const n = counter();
    gh.setClockOffset(-5 * MIN); // a wrong server clock: the wait still comes out right
    gh.rateLimit({ status: 503, retryAfter: new Date(Date.now() - 5 * MIN + 2000) });
    await s.getToken('gh');
    const r = n.requests();
    expect(r.map((x) => x.status).slice(-2)).toEqual([503, 201]);
    const i = r.findIndex((x) => x.status === 503);
    expect(gap(r, i)).toBeGreaterThanOrEqual(950); // the HTTP date has whole seconds: 1 to 2 s
    expect(gap(r, i)).toBeLessThan(3000);
  });

  it('waits for x-ratelimit-reset when x-ratelimit-remaining is 0 (403, primary limit)', async () => {
    const { s, warnings } = store(`${KEY}    owner: my-org\n`);
    const n = counter();
    gh.rateLimit({ status: 403, resetInS: 2, on: 'lookup' });
    await s.getToken('gh');
    const r = n.requests();
    expect(r.map((x) => `${x.kind} ${x.status}`)).toEqual(['lookup 403', 'lookup 200', 'token 201']);
    expect(gap(r, 0)).toBeGreaterThanOrEqual(1000);
    expect(gap(r, 0)).toBeLessThan(3500);
    expect(warnings[0]).toContain('HTTP 403, rate limit exhausted, x-ratelimit-reset');
  });

  it('a wait beyond retry.maxRetryAfterMs fails at once, saying when to retry', async () => {
    const cases = [
      { answer: { status: 429, retryAfter: 120 }, why: 'HTTP 429, rate limited, Retry-After 120', wait: 120 },
      // secondary limit without Retry-After: GitHub says wait a minute
      { answer: { status: 403, secondary: true }, why: 'HTTP 403, secondary rate limit, no Retry-After', wait: 60 },
      { answer: { status: 429, resetInS: 3600 }, why: 'HTTP 429, rate limit exhausted, x-ratelimit-reset', wait: 3600 },
    ];
    for (const { answer, why, wait } of cases) {
      const { s } = store(`${KEY}    installationId: 987\n`);
      const n = counter();
      gh.rateLimit(answer);
      const started = performance.now();
      const err = await failure(s.getToken('gh'));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(n.requests()).toHaveLength(1);
      expect(err.status).toBe(answer.status);
      expect(err.message).toContain(`GitHub is rate limiting this app (${why}`);
      expect(err.message).toMatch(
        new RegExp(
          `retry after \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(in (${wait}|${wait - 1}|${wait + 1}) s\\); credflow waits at most 30 s \\(store option retry.maxRetryAfterMs\\)`,
        ),
      );
    }
    // the cap is the store's retry policy
    const { s } = store(`${KEY}    installationId: 987\n`, { maxRetryAfterMs: 500 });
    gh.rateLimit({ status: 429, retryAfter: 1 });
    expect((await failure(s.getToken('gh'))).message).toContain('credflow waits at most 500 ms');
  });

  it('a plain 403 (no rate-limit sign) is permanent: one request', async () => {
    const { s } = store(`${KEY}    installationId: 987\n`);
    const n = counter();
    gh.rateLimit({ status: 403 });
    const err = await failure(s.getToken('gh'));
    expect(err.message).toContain('GitHub answered HTTP 403: Resource not accessible by integration');
    expect(n.requests()).toHaveLength(1);
  });

  it('stops after retry.maxAttempts rate-limit answers', async () => {
    const { s } = store(`${KEY}    installationId: 987\n`, { maxAttempts: 2 });
    const n = counter();
    gh.rateLimit({ status: 429 }, { status: 429 });
    const err = await failure(s.getToken('gh'));
    expect(err.message).toContain('GitHub answered HTTP 429: API rate limit exceeded');
    expect(err.message).toContain('after 2 attempts');
    expect(n.requests()).toHaveLength(2);
  });

  it('reads the signs off the headers (unit)', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const date = new Date(now).toUTCString();
    expect(gitHubRetryAdvice(403, {}, 'Resource not accessible by integration', now)).toEqual({ kind: 'permanent' });
    expect(gitHubRetryAdvice(404, { 'retry-after': '5' }, undefined, now)).toEqual({ kind: 'permanent' });
    expect(gitHubRetryAdvice(403, { 'retry-after': '7' }, undefined, now)).toMatchObject({ waitMs: 7000 });
    expect(
      gitHubRetryAdvice(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': now / 1000 + 90, date }, '', now),
    ).toMatchObject({ kind: 'transient', waitMs: 90_000 });
    // the reset is counted from GitHub's Date, not the local clock (here 10 minutes behind)
    expect(
      gitHubRetryAdvice(
        429,
        { 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': now / 1000 + 90, date },
        '',
        now - 600_000,
      ),
    ).toMatchObject({ waitMs: 90_000 });
    expect(gitHubRetryAdvice(403, {}, 'You have exceeded a secondary rate limit.', now)).toMatchObject({
      waitMs: 60_000,
    });
    expect(gitHubRetryAdvice(502, {}, undefined, now)).toEqual({ kind: 'transient', waitMs: 0, why: 'HTTP 502' });
  });

  it('never quotes a Retry-After, and reads only real HTTP dates and bounded numbers (hostile server)', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    // Date.parse would take this for a past date, ignoring the parenthesised text (here: what a server echoes back).
    const echoed = 'Jan 1 2000 (eyJhbGciOiJSUzI1NiJ9.c2lnbmF0dXJlLXBhcnQ)';
    const advice = gitHubRetryAdvice(429, { 'retry-after': echoed }, undefined, now);
    expect(advice).toEqual({ kind: 'transient', waitMs: 0, why: 'HTTP 429, rate limited' });
    expect(JSON.stringify(advice)).not.toContain('c2lnbmF0dXJl');
    const huge = gitHubRetryAdvice(429, { 'retry-after': '99999999999999' }, undefined, now);
    expect(huge).toMatchObject({ kind: 'transient', waitMs: 366 * 24 * 3600 * 1000 });
    expect(gitHubRetryAdvice(429, { 'retry-after': '9'.repeat(400) }, undefined, now)).toMatchObject({ waitMs: 0 });
    const hugeReset = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e300' };
    expect(gitHubRetryAdvice(403, hugeReset, '', now)).not.toMatchObject({ waitMs: Number.POSITIVE_INFINITY });
    expect(gitHubRetryAdvice(429, { 'retry-after': new Date(now + 5000).toUTCString() }, undefined, now)).toMatchObject(
      { waitMs: 5000, why: 'HTTP 429, rate limited, Retry-After 5 s' },
    );
  });

  it('a Retry-After of centuries fails at once with a clear error, not a crash', async () => {
    const { s } = store(`${KEY}    installationId: 987\n`);
    gh.rateLimit({ status: 429, retryAfter: 99_999_999_999_999 });
    const err = await failure(s.getToken('gh'));
    expect(err.code).toBe('ERR_TOKEN_HTTP_STATUS');
    expect(err.message).toMatch(/retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 31622400 s\)/);
  });
});

describe('github_app: a local clock that differs from GitHub', () => {
  const paths = [
    { name: 'privateKey (octokit signs)', fields: KEY },
    { name: 'external signer', fields: '    signer: kms\n' },
  ];
  for (const { name, fields } of paths) {
    for (const skewMin of [-5, 15]) {
      it(`${name}: GitHub ${Math.abs(skewMin)} min ${skewMin < 0 ? 'behind' : 'ahead'}: one refused JWT, then JWTs dated by GitHub's clock`, async () => {
        gh.setClockOffset(skewMin * MIN);
        const { s, warnings } = store(`${fields}    owner: my-org\n`);
        const n = counter();
        expect(await s.getToken('gh')).toMatch(/^ghs_/);
        expect(n.refused()).toEqual([
          skewMin < 0
            ? "'Expiration time' claim ('exp') is too far in the future"
            : "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        ]);
        // the refused one was the lookup; then the lookup and the token request passed
        expect(n.requests().map((r) => `${r.kind} ${r.status}`)).toEqual(['lookup 401', 'lookup 200', 'token 201']);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          new RegExp(
            `GitHub's clock \\(its Date header\\) is (${Math.abs(skewMin) * 60 - 1}|${Math.abs(skewMin) * 60}|${Math.abs(skewMin) * 60 + 1}) s ${skewMin < 0 ? 'behind' : 'ahead of'} the local clock`,
          ),
        );
        // later mints need no correction
        for (let i = 0; i < 3; i++) {
          s.invalidate('gh');
          await s.getToken('gh');
        }
        expect(n.refused()).toHaveLength(1);
        expect(n.tokenIds()).toEqual([987, 987, 987, 987]);
        expect(warnings).toHaveLength(1);
      });
    }

    it(`${name}: GitHub 5 min ahead accepts the JWT as it is (its exp is still ahead, its iat past)`, async () => {
      gh.setClockOffset(5 * MIN);
      const { s, warnings } = store(`${fields}    installationId: 987\n`);
      const n = counter();
      await s.getToken('gh');
      expect(n.refused()).toEqual([]);
      expect(n.requests()).toHaveLength(1);
      expect(warnings).toEqual([]);
    });
  }

  it('a Date header hours away is not taken as GitHub\u2019s clock (a hostile answer would date every later JWT)', async () => {
    gh.setClockOffset(120 * MIN);
    const { s, warnings } = store(`${KEY}    installationId: 987\n`);
    const n = counter();
    const err = await failure(s.getToken('gh'));
    expect(err.code).toBe('ERR_TOKEN_HTTP_STATUS');
    expect(err.status).toBe(401);
    expect(n.refused()).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /its Date header is 7\d\d\d s ahead of the local clock, more than the 1800 s credflow corrects for/,
    );
    gh.setClockOffset(0);
    expect(await s.getToken('gh')).toMatch(/^ghs_/);
  });

  it('a time-claim refusal on the token request itself is corrected the same way', async () => {
    gh.setClockOffset(-5 * MIN);
    const { s } = store(`${KEY}    installationId: 987\n`);
    const n = counter();
    await s.getToken('gh');
    expect(n.requests().map((r) => `${r.kind} ${r.status}`)).toEqual(['token 401', 'token 201']);
  });

  it('knows GitHub\u2019s messages for time claims (unit)', () => {
    for (const m of [
      "'Expiration time' claim ('exp') is too far in the future",
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
      "'Issued at' claim ('iat') must be an Integer representing a time in the past",
    ]) {
      expect(isJwtTimeRefusal(m)).toBe(true);
    }
    expect(isJwtTimeRefusal('A JSON web token could not be decoded')).toBe(false);
    expect(isJwtTimeRefusal(undefined)).toBe(false);
  });
});
