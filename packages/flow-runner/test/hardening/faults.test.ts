import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const secretEnv = { SECRET_S: Buffer.from('fault-secret-value-123').toString('base64') };
const cc = (key: string, url: string, extra = '') =>
  `  ${key}: { type: client_credentials, tokenEndpoint: "${url}/token", clientId: ${key}, clientSecret: { secret: S }${extra} }`;

describe('faults of the token endpoint', () => {
  it('serves a still-valid token with a warning while refreshes fail, then surfaces the failure once it expired', async () => {
    let mode: 'ok' | 'down' = 'ok';
    let requests = 0;
    const server = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      requests++;
      if (mode === 'down') return sendJson(res, 503, { error: 'temporarily_unavailable' });
      sendJson(res, 200, { access_token: `token-${requests}-abcdef`, token_type: 'Bearer', expires_in: 600 });
    });
    try {
      const clock = {
        offset: 0,
        now: () => performance.now() + clock.offset,
        wallNow: () => Date.now() + clock.offset,
      };
      const warnings: string[] = [];
      const store = CredentialStore.fromYaml(`credentials:\n${cc('k', server.url)}\n`, {
        secretProviders: [new EnvSecretProvider({ env: secretEnv })],
        clock: clock as Clock,
        logger: { warn: (m) => warnings.push(m) },
        retry: { baseDelayMs: 5, maxAttempts: 2 },
      });
      const first = await store.getToken('k');
      mode = 'down';
      clock.offset = 560_000; // 40 s left, inside the 60 s refresh margin
      expect(await store.getToken('k')).toBe(first); // at once: the refresh runs in the background
      await vi.waitFor(() =>
        expect(warnings.at(-1)).toMatch(
          /credential 'k': token refresh failed \(.*HTTP 503.*\); serving the cached token, valid \d+ s more/,
        ),
      );
      clock.offset = 601_000; // expired
      await expect(store.getToken('k')).rejects.toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', status: 503 });
      mode = 'ok';
      expect(await store.getToken('k')).not.toBe(first);
    } finally {
      await server.close();
    }
  });

  it('never caches a token with expires_in 0, and caches a numeric-string lifetime', async () => {
    let requests = 0;
    const server = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      requests++;
      const zero = new URL(req.url ?? '/', 'http://x').pathname.startsWith('/zero');
      sendJson(res, 200, { access_token: `t${requests}-abcdef`, token_type: 'bearer', expires_in: zero ? 0 : '3.6e3' });
    });
    try {
      const store = CredentialStore.fromYaml(
        `credentials:\n${cc('zero', `${server.url}/zero`)}\n${cc('str', server.url)}\n`,
        {
          secretProviders: [new EnvSecretProvider({ env: secretEnv })],
        },
      );
      await store.getToken('zero');
      await store.getToken('zero');
      expect(requests).toBe(2);
      expect((await store.getAccessToken('str')).expiresIn).toBe(3600);
      await store.getToken('str');
      expect(requests).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('runs 200 concurrent flows sharing 20 credentials against a slow server: all succeed, one mint per credential', async () => {
    const mints = new Map<string, number>();
    const server = await startLoopbackServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        const form = new URLSearchParams(await readBody(req));
        await sleep(300); // slow authorization server
        const id = form.get('client_id') ?? '';
        mints.set(id, (mints.get(id) ?? 0) + 1);
        return sendJson(res, 200, {
          access_token: `tok-${id}-${'z'.repeat(30)}`,
          token_type: 'Bearer',
          expires_in: 3600,
        });
      }
      const ok = (req.headers.authorization ?? '').startsWith('Bearer tok-');
      sendJson(res, ok ? 200 : 401, { ok });
    });
    try {
      const keys = Array.from({ length: 20 }, (_, i) => `c${i}`);
      const store = CredentialStore.fromYaml(
        `credentials:\n${keys.map((k) => cc(k, server.url, ', clientAuthMethod: client_secret_post')).join('\n')}\n`,
        { secretProviders: [new EnvSecretProvider({ env: secretEnv })] },
      );
      const flow = parseFlow(`id: f
namespace: load.test
inputs:
  - { id: key, type: STRING }
tasks:
  - id: call
    type: io.kestra.plugin.core.http.Request
    uri: "${server.url}/api"
    auth: { type: BEARER, token: "<< credential(inputs.key) >>" }
`);
      const started = performance.now();
      const executions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => runFlow(flow, { store, inputs: { key: keys[i % 20] } })),
      );
      expect(executions.filter((e) => e.state === 'SUCCESS')).toHaveLength(200);
      expect([...mints.values()]).toEqual(Array(20).fill(1));
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      await server.close();
    }
  });
});

describe('cancellation', () => {
  it('stops a running execution when its signal aborts (Ctrl-C in the CLI)', async () => {
    const flow = parseFlow(`id: f
namespace: a.b
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: not reached
errors:
  - id: cleanup
    type: io.kestra.plugin.core.log.Log
    message: cancelled
`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const e = await runFlow(flow, { store: CredentialStore.fromYaml(''), signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(5000);
    // As in Kestra: a killed execution ends KILLED, its running task too, and runs no `errors` tasks.
    expect(e.state).toBe('KILLED');
    expect(e.taskRuns.map((t) => `${t.taskId}:${t.state}`)).toEqual(['wait:KILLED']);
  });
});

describe('template injection', () => {
  it('never evaluates templates in HTTP response bodies or secret values', async () => {
    const server = await startLoopbackServer((_req, res) =>
      sendJson(res, 200, { text: "<< credential('k') >> <% for x in [1] %>boom<% endfor %>" }),
    );
    try {
      const store = CredentialStore.fromYaml('', {
        secretProviders: [
          new EnvSecretProvider({ env: { SECRET_TPL: Buffer.from("<< secret('OTHER') >>").toString('base64') } }),
        ],
      });
      const flow = parseFlow(`id: f
namespace: a.b
tasks:
  - id: get
    type: io.kestra.plugin.core.http.Request
    uri: "${server.url}/"
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: ["<< (fromJson(outputs.get.body)).text >>", "<< secret('TPL') >>"]
  - id: out
    type: io.kestra.plugin.core.debug.Return
    format: "<< outputs.get.body >>"
`);
      const logs: LogEntry[] = [];
      const e = await runFlow(flow, { store, onLog: (l) => logs.push(l) });
      expect(e.state).toBe('SUCCESS');
      expect(logs.map((l) => l.message)).toEqual([
        "<< credential('k') >> <% for x in [1] %>boom<% endfor %>",
        '******',
      ]);
      expect(e.taskRuns[2]?.outputs.value).toContain("<< credential('k') >>");
    } finally {
      await server.close();
    }
  });

  it('treats crafted credential keys, tenants and namespaces as plain missing names', async () => {
    const store = CredentialStore.fromYaml(
      'credentials:\n  real: { type: client_credentials, tokenEndpoint: "http://127.0.0.1:9/t", clientId: c, clientSecret: { secret: S } }\n',
    );
    const keys = ['../real', '__proto__', 'constructor', 'toString', 'real\u0000', 'ré al', 'x'.repeat(5000), ' real'];
    for (const key of keys) {
      const flow = parseFlow(
        `id: f\nnamespace: a.b\ninputs:\n  - { id: k, type: STRING }\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "<< credential(inputs.k) >>"\n`,
      );
      const e = await runFlow(flow, { store, inputs: { k: key } });
      expect(e.state).toBe('FAILED');
      expect(e.taskRuns[0]?.error).toMatch(/Cannot find credential '/);
    }
    for (const tenantId of ['', '..', '__proto__', 'ü'.repeat(300)]) {
      await expect(store.getToken('real', { tenantId, namespace: '..' })).rejects.toMatchObject({
        code: tenantId === '' ? 'ERR_SECRET_NOT_FOUND' : 'ERR_CREDENTIAL_NOT_FOUND',
      });
    }
  });
});
