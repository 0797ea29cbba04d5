import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  describeFindings,
  type LoopbackServer,
  readBody,
  scanForLeaks,
  sendJson,
  startLoopbackServer,
} from '@credflow/testkit';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SharedCache } from '../../src/cache/shared/shared-cache.js';
import { type Clock, systemClock } from '../../src/clock.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';
import { type AuditRecord, flushAuditLogs } from '../../src/telemetry/audit-log.js';
import { recordSharedCacheHit } from '../../src/telemetry/metrics.js';
import { withMintContext } from '../../src/telemetry/mint-context.js';
import { StoreTelemetry } from '../../src/telemetry/store-telemetry.js';
import { exportedText, installOtel, type OtelHarness, pointValue } from './otel-harness.js';

const CLIENT_SECRET = 'telemetry-client-secret-0123456789';
const secretProviders = [new EnvSecretProvider({ env: { SECRET_S: Buffer.from(CLIENT_SECRET).toString('base64') } })];
/** Every token the server handed out, for the leak scan. */
const issued: string[] = [];
/** Every audit line and warning written in this file, for the leak scan. */
const written: string[] = [];
/** What each test exported (spans and metric points), collected before its SDK is taken down. */
const exported: string[] = [];
/** Spans and metric points exported in this file, for the report. */
const counted = { spans: 0, points: 0 };

let server: LoopbackServer;
/** Whether `/flaky` answers 503. */
let flakyDown = false;
let otel: OtelHarness;

beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/bad') return sendJson(res, 401, { error: 'invalid_client', error_description: 'bad client' });
    if (path === '/flaky' && flakyDown) return sendJson(res, 503, { error: 'temporarily_unavailable' });
    const token = `tel-${issued.length}-${Math.random().toString(36).slice(2)}-token`;
    issued.push(token);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 600, scope: 'read write' });
  });
});
afterAll(() => server.close());
beforeEach(() => {
  otel = installOtel();
});
afterEach(async () => {
  counted.spans += otel.spans().length;
  counted.points += (await otel.allPoints()).reduce((n, m) => n + m.points.length, 0);
  exported.push(await exportedText(otel));
  await otel.uninstall();
});

const cc = (key: string, path: string, extra = '') =>
  `  ${key}: { type: client_credentials, tokenEndpoint: "${server.url}${path}", clientId: ${key}, clientSecret: { secret: S }${extra} }`;

function storeOf(lines: string[], options: Parameters<typeof CredentialStore.fromYaml>[1] = {}): CredentialStore {
  return CredentialStore.fromYaml(`credentials:\n${lines.join('\n')}\n`, {
    secretProviders,
    retry: { baseDelayMs: 1, maxAttempts: 2 },
    logger: { warn: (m) => written.push(m) },
    ...options,
  });
}

describe('metrics (SPEC section 9)', () => {
  it('counts one mint, one miss and every cache hit, and times the mint', async () => {
    const store = storeOf([cc('m_hits', '/token')]);
    const token = await store.getToken('m_hits');
    await store.getToken('m_hits');
    await store.getToken('m_hits');
    expect(store.peekToken('m_hits')).toBe(token);
    const key = { 'credflow.credential.key': 'm_hits' };
    expect(pointValue(await otel.points('credflow.token.mints'), { ...key, 'credflow.outcome': 'success' })).toBe(1);
    expect(pointValue(await otel.points('credflow.token.cache_misses'), key)).toBe(1);
    expect(pointValue(await otel.points('credflow.token.cache_hits'), key)).toBe(3);
    const duration = (await otel.points('credflow.token.mint.duration')).find(
      (p) => p.attributes['credflow.credential.key'] === 'm_hits',
    );
    const histogram = duration?.value as { count: number; sum: number } | undefined;
    expect(histogram?.count).toBe(1);
    expect(histogram?.sum).toBeGreaterThan(0);
    expect(duration?.attributes).toMatchObject({
      'credflow.credential.type': 'client_credentials',
      'credflow.credential.grant': 'client_credentials',
      'credflow.tenant': 'main',
    });
  });

  it('counts each credential apart when two mint in turn with the cache off', async () => {
    const store = storeOf([
      cc('m_cold_a', '/token', ', cache: { enabled: false }'),
      cc('m_cold_b', '/token', ', cache: { enabled: false }'),
    ]);
    for (let i = 0; i < 3; i++) {
      await store.getToken('m_cold_a');
      await store.getToken('m_cold_a');
      await store.getToken('m_cold_b');
    }
    const mints = await otel.points('credflow.token.mints');
    const misses = await otel.points('credflow.token.cache_misses');
    for (const [key, n] of [
      ['m_cold_a', 6],
      ['m_cold_b', 3],
    ] as const) {
      expect(pointValue(mints, { 'credflow.credential.key': key, 'credflow.outcome': 'success' }), key).toBe(n);
      expect(pointValue(misses, { 'credflow.credential.key': key }), key).toBe(n);
    }
  });

  it('counts a failed mint with its error code, and a miss for each caller that waited', async () => {
    const store = storeOf([cc('m_bad', '/bad')]);
    await expect(store.getToken('m_bad')).rejects.toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE' });
    await expect(store.getToken('m_bad')).rejects.toThrow();
    const key = { 'credflow.credential.key': 'm_bad' };
    expect(
      pointValue(await otel.points('credflow.token.mints'), {
        ...key,
        'credflow.outcome': 'error',
        'error.type': 'ERR_OAUTH_ERROR_RESPONSE',
      }),
    ).toBe(2);
    expect(pointValue(await otel.points('credflow.token.mints'), { ...key, 'credflow.outcome': 'success' })).toBe(0);
    expect(pointValue(await otel.points('credflow.token.cache_misses'), key)).toBe(2);
  });

  it('counts a failed background refresh while the cached token is still served', async () => {
    const clock = { offset: 0, now: () => performance.now() + clock.offset, wallNow: () => Date.now() + clock.offset };
    const store = storeOf([cc('m_refresh', '/flaky')], {
      clock: clock as Clock,
      retry: { baseDelayMs: 1, maxAttempts: 1 },
    });
    const first = await store.getToken('m_refresh');
    flakyDown = true;
    try {
      clock.offset = 560_000; // inside the 60 s refresh window
      expect(await store.getToken('m_refresh')).toBe(first);
      await vi.waitFor(async () =>
        expect(
          pointValue(await otel.points('credflow.token.refresh_failures'), {
            'credflow.credential.key': 'm_refresh',
            'error.type': 'ERR_OAUTH_ERROR_RESPONSE',
          }),
        ).toBe(1),
      );
    } finally {
      flakyDown = false;
    }
  });

  it('counts shared-cache hits from the cache hook and from recordSharedCacheHit', async () => {
    const store = storeOf([cc('m_shared', '/token')]);
    // What a shared cache in the store calls: the cache event, by cache identity.
    const telemetry = new StoreTelemetry({ clock: systemClock, logger: { warn: () => {} } });
    telemetry.mint('cache-id-1', store.resolve('m_shared'), () => Promise.reject(new Error('not called')));
    telemetry.cacheEvents.sharedHit?.('cache-id-1');
    telemetry.cacheEvents.sharedHit?.('an-unknown-id'); // not counted: no credential to name
    recordSharedCacheHit({ key: 'm_shared', type: 'client_credentials', tenantId: 'main' });
    expect(
      pointValue(await otel.points('credflow.token.shared_cache_hits'), { 'credflow.credential.key': 'm_shared' }),
    ).toBe(2);
  });
});

describe('shared-cache hits, end to end', () => {
  it('counts a token one store took from a shared cache another store filled', async () => {
    // A host's own SharedCache (the interface Redis implements): a Map with the same semantics.
    const entries = new Map<string, string>();
    const cache: SharedCache = {
      description: 'map',
      get: async (k) => entries.get(k),
      set: async (k, v) => void entries.set(k, v),
      setIfAbsent: async (k, v) => {
        if (entries.has(k)) return false;
        entries.set(k, v);
        return true;
      },
      deleteIf: async (k, v) => entries.get(k) === v && entries.delete(k),
      delete: async (k) => void entries.delete(k),
    };
    const sharedCache = { cache, encryptionKey: new Uint8Array(32).fill(7) };
    const a = storeOf([cc('m_across', '/token')], { sharedCache });
    const b = storeOf([cc('m_across', '/token')], { sharedCache });
    const token = await a.getToken('m_across');
    expect(await b.getToken('m_across')).toBe(token); // b's memory was empty: the token came from the shared cache
    expect(
      pointValue(await otel.points('credflow.token.shared_cache_hits'), { 'credflow.credential.key': 'm_across' }),
    ).toBe(1);
  });
});

describe('spans (SPEC section 9)', () => {
  it('opens one credflow.token.mint span per mint, a child of the caller, with the credential and outcome', async () => {
    const store = storeOf([cc('s_ok', '/token'), cc('s_bad', '/bad')]);
    await trace.getTracer('host').startActiveSpan('host request', async (parent) => {
      await Promise.all([store.getToken('s_ok'), store.getToken('s_ok')]); // single flight: one mint
      await store.getToken('s_bad').catch(() => {});
      parent.end();
    });
    const spans = otel.spans();
    const host = spans.find((s) => s.name === 'host request');
    const mints = spans.filter((s) => s.name === 'credflow.token.mint');
    expect(mints).toHaveLength(2);
    for (const m of mints) expect(m.parentSpanContext?.spanId).toBe(host?.spanContext().spanId);
    const ok = mints.find((s) => s.attributes['credflow.credential.key'] === 's_ok');
    expect(ok?.attributes).toEqual({
      'credflow.credential.key': 's_ok',
      'credflow.credential.type': 'client_credentials',
      'credflow.credential.grant': 'client_credentials',
      'credflow.tenant': 'main',
      'credflow.token.expires_in': 600,
      'credflow.outcome': 'success',
    });
    expect(ok?.status.code).toBe(SpanStatusCode.OK);
    const bad = mints.find((s) => s.attributes['credflow.credential.key'] === 's_bad');
    expect(bad?.attributes).toMatchObject({ 'credflow.outcome': 'error', 'error.type': 'ERR_OAUTH_ERROR_RESPONSE' });
    expect(bad?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_OAUTH_ERROR_RESPONSE' });
    expect(bad?.events).toEqual([]);
  });

  it('names a namespaced credential by the namespace it is defined in', async () => {
    const store = CredentialStore.fromYaml(
      `namespaces:\n  team.a:\n    credentials:\n${cc('s_ns', '/token').replace(/^/, '    ')}\n`,
      { secretProviders },
    );
    await store.getToken('s_ns', { namespace: 'team.a.sub' });
    const span = otel.spans().find((s) => s.name === 'credflow.token.mint');
    expect(span?.attributes).toMatchObject({
      'credflow.credential.key': 's_ns',
      'credflow.tenant': 'main',
      'credflow.namespace': 'team.a',
    });
  });

  it('records nothing and mints as usual when no SDK is registered', async () => {
    await otel.uninstall();
    const store = storeOf([cc('s_noop', '/token')]);
    expect(await store.getToken('s_noop')).toMatch(/^tel-/);
    otel = installOtel();
    expect(otel.spans()).toEqual([]);
  });
});

describe('audit log (SPEC section 9)', () => {
  it('writes one JSON line per mint and per failed mint, with the flow, execution and task ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credflow-audit-'));
    const store = CredentialStore.fromYaml(
      `audit: { file: ./audit.jsonl }\ncredentials:\n${cc('a_ok', '/token')}\n${cc('a_bad', '/bad')}\n`,
      { secretProviders, baseDir: dir, retry: { baseDelayMs: 1, maxAttempts: 1 } },
    );
    expect(store.config.audit).toEqual({ file: join(dir, 'audit.jsonl') });
    const ids = { flowId: 'hello', flowNamespace: 'company.team', executionId: 'exec-1', taskId: 'call' };
    await withMintContext(ids, async () => {
      await store.getToken('a_ok');
      await store.getToken('a_ok'); // a hit: no record
      await store.getToken('a_bad').catch(() => {});
    });
    await flushAuditLogs();
    const text = await readFile(join(dir, 'audit.jsonl'), 'utf8');
    written.push(text);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      event: 'mint',
      credential: 'a_ok',
      type: 'client_credentials',
      tenant: 'main',
      ...ids,
      scopes: ['read', 'write'],
      expiresIn: 600,
      outcome: 'success',
      durationMs: expect.any(Number),
    });
    expect(lines[1]).toEqual({
      time: expect.any(String),
      event: 'mint',
      credential: 'a_bad',
      type: 'client_credentials',
      tenant: 'main',
      ...ids,
      outcome: 'error',
      errorCode: 'ERR_OAUTH_ERROR_RESPONSE',
      durationMs: expect.any(Number),
    });
  });

  it('never fails or delays a mint when the file cannot be written: one warning', async () => {
    const warnings: string[] = [];
    const store = CredentialStore.fromYaml(
      `audit: { file: /nonexistent-dir/credflow/audit.jsonl }\ncredentials:\n${cc('a_broken', '/token', ', cache: { enabled: false }')}\n`,
      { secretProviders, logger: { warn: (m) => warnings.push(m) } },
    );
    for (let i = 0; i < 3; i++) expect(await store.getToken('a_broken')).toMatch(/^tel-/);
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    await sleep(20);
    expect(warnings).toEqual([
      expect.stringMatching(/^audit log '\/nonexistent-dir\/credflow\/audit\.jsonl': cannot write \(ENOENT\)/),
    ]);
    written.push(...warnings);
  });

  it('takes a host sink as a store option; a sink that throws is warned about once', async () => {
    const records: AuditRecord[] = [];
    const store = storeOf([cc('a_sink', '/token', ', cache: { enabled: false }')], {
      audit: { write: (r) => records.push(r) },
    });
    await store.getToken('a_sink');
    expect(records).toMatchObject([{ credential: 'a_sink', outcome: 'success' }]);
    const warnings: string[] = [];
    const throwing = storeOf([cc('a_throw', '/token', ', cache: { enabled: false }')], {
      audit: {
        write: () => {
          throw new Error('sink down');
        },
      },
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(await throwing.getToken('a_throw')).toMatch(/^tel-/);
    expect(await throwing.getToken('a_throw')).toMatch(/^tel-/);
    expect(warnings).toEqual(['audit log: the sink failed (_OTHER); mints go on']);
    written.push(JSON.stringify(records));
  });

  it('rejects an audit block without a file', () => {
    expect(() => CredentialStore.fromYaml('audit: { path: x }\n')).toThrow(/audit/);
  });
});

describe('leak scan over exported spans, metrics and the audit log (testkit scanner, independent of the product)', () => {
  it('finds no secret and no token, in any form: zero hits over every test of this file', async () => {
    const store = storeOf([cc('l_ok', '/token'), cc('l_bad', '/bad')], {
      audit: { write: (r) => written.push(JSON.stringify(r)) },
    });
    await store.getToken('l_ok');
    await store.getToken('l_bad').catch(() => {});
    await store.test('l_ok');
    const all = [...exported, await exportedText(otel), ...written].join('\n');
    expect(all).toContain('credflow.token.mint');
    expect(all).toContain('credflow.token.mint.duration');
    expect(all).toContain('"event":"mint"'); // the audit records are in
    expect(counted.spans).toBeGreaterThan(10);
    expect(counted.points).toBeGreaterThan(20);
    expect(issued.length).toBeGreaterThan(3);
    const needles = [CLIENT_SECRET, Buffer.from(CLIENT_SECRET).toString('base64'), ...issued];
    const findings = scanForLeaks(all, needles);
    if (process.env.CREDFLOW_LEAK_MATRIX) {
      console.log(
        `telemetry leak scan: ${counted.spans} spans, ${counted.points} metric points, ${written.length} audit lines and warnings, ${all.length} characters, ${needles.length} needles, ${findings.length} hits`,
      );
    }
    expect(describeFindings(findings)).toEqual([]);
  });

  it('the oracle can fail: a token planted, encoded, in a fake span export is found', () => {
    const token = issued[0] as string;
    const fake = JSON.stringify([
      { name: 'credflow.token.mint', attributes: { 'credflow.credential.key': 'l_ok', 'x.auth': `Bearer ${token}` } },
      { name: 'credflow.token.mint', attributes: { 'x.blob': Buffer.from(`{"t":"${token}"}`).toString('base64url') } },
      { name: 'credflow.token.mint', status: { message: `secret=${Buffer.from(CLIENT_SECRET).toString('hex')}` } },
    ]);
    const findings = scanForLeaks(`${exported.join('\n')}\n${fake}`, [CLIENT_SECRET, ...issued]);
    const forms = findings.map((f) => `${f.needle}: ${f.form}`);
    expect(forms).toContain('1: raw');
    expect(forms).toContainEqual(expect.stringMatching(/^1: base64/)); // whole or inside, depending on the token's length
    expect(forms).toContain('0: hex');
    expect(describeFindings(findings).join('\n')).not.toContain(token);
  });
});
