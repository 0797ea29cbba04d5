import { CredentialStore } from '@credflow/credentials-core';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTask } from '../../src/tasks/request-task.js';
import type { TaskContext } from '../../src/tasks/task-type.js';

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/slow') return new Promise(() => {});
    const body = await readBody(req);
    sendJson(res, url.pathname === '/missing' ? 404 : 200, {
      method: req.method,
      auth: req.headers.authorization ?? null,
      type: req.headers['content-type'] ?? null,
      custom: req.headers['x-custom'] ?? null,
      body,
    });
  });
});
afterAll(() => server?.close());

const ctx: TaskContext = {
  taskId: 't',
  log: () => {},
  store: CredentialStore.fromYaml(''),
  signal: new AbortController().signal,
};
const run = async (props: Record<string, unknown>) => {
  const out = await requestTask.run(props, ctx);
  return { out, echo: JSON.parse(String(out.body)) };
};

describe('Request task', () => {
  it('sends bearer auth from the top level or options.auth', async () => {
    expect((await run({ uri: `${server.url}/a`, auth: { type: 'BEARER', token: 'tk' } })).echo.auth).toBe('Bearer tk');
    expect((await run({ uri: `${server.url}/a`, options: { auth: { type: 'BEARER', token: 'tk2' } } })).echo.auth).toBe(
      'Bearer tk2',
    );
    expect(
      (await run({ uri: `${server.url}/a`, auth: { type: 'BASIC', username: 'u', password: 'p' } })).echo.auth,
    ).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('reports a computed Authorization header, its Basic user:password pair and the password for masking', async () => {
    const heard: string[] = [];
    const stop = ctx.store.onSensitiveValue((v) => heard.push(v));
    try {
      const { echo } = await run({
        uri: `${server.url}/a`,
        auth: { type: 'BASIC', username: 'ada', password: 'pw-0123' },
      });
      expect(heard).toEqual([echo.auth, Buffer.from('ada:pw-0123').toString('base64'), 'ada:pw-0123', 'pw-0123']);
    } finally {
      stop();
    }
  });

  it('never quotes a rendered value in an error, however long', async () => {
    const token = `ya29.${'G07F'.repeat(60)}`;
    for (const props of [
      { uri: `not a url ?access_token=${token}` },
      { uri: `${token}:x` },
      { uri: `${server.url}/a`, method: token },
      { uri: `${server.url}/a`, options: { timeout: token } },
    ]) {
      const err = await run(props).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).not.toContain('G07F');
      expect((err as Error).message).not.toContain('ya29');
    }
  });

  it('sends JSON bodies, form data, headers and content types', async () => {
    const json = await run({ uri: `${server.url}/a`, method: 'post', body: { a: 1 }, headers: { 'X-Custom': 'v' } });
    expect(json.echo).toMatchObject({ method: 'POST', type: 'application/json', custom: 'v', body: '{"a":1}' });
    const form = await run({ uri: `${server.url}/a`, method: 'POST', formData: { a: 'x y', n: 2 } });
    expect(form.echo).toMatchObject({ type: 'application/x-www-form-urlencoded', body: 'a=x+y&n=2' });
    const text = await run({ uri: `${server.url}/a`, method: 'PUT', body: 'raw', contentType: 'text/plain' });
    expect(text.echo).toMatchObject({ type: 'text/plain', body: 'raw' });
    expect(json.out).toMatchObject({ uri: `${server.url}/a`, code: 200 });
    expect((json.out.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('fails on non-2xx unless allowFailed, and says 401 is worth a retry', async () => {
    const { out } = await run({ uri: `${server.url}/missing?token=secret-in-query` });
    expect(out.code).toBe(404);
    expect(() => requestTask.check?.(out, { method: 'GET' })).toThrow(`GET ${server.url}/missing answered HTTP 404`);
    expect(() => requestTask.check?.(out, { options: { allowFailed: 'true' } })).not.toThrow();
    expect(requestTask.unauthorized?.({ code: 401 })).toBe(true);
    expect(requestTask.unauthorized?.({ code: 403 })).toBe(false);
  });

  it('reports bad URLs, methods, timeouts and refused connections clearly', async () => {
    await expect(run({ uri: 'not a url' })).rejects.toThrow(/^uri: not a valid URL$/);
    await expect(run({ uri: 'file:///etc/passwd' })).rejects.toThrow(/^uri: not an http or https URL$/);
    await expect(run({ uri: `${server.url}/a`, method: 'FETCH' })).rejects.toThrow(/^method: not one of GET, /);
    await expect(run({ uri: `${server.url}/a`, options: { timeout: 'soon' } })).rejects.toThrow(
      /^options.timeout: not an ISO-8601 duration/,
    );
    await expect(run({ uri: `${server.url}/slow?q=hidden`, options: { timeout: 'PT0.2S' } })).rejects.toThrow(
      `GET ${server.url}/slow timed out after 200 ms`,
    );
    const down = await startLoopbackServer(() => {});
    await down.close();
    await expect(run({ uri: `${down.url}/x` })).rejects.toThrow(`GET ${down.url}/x failed: ECONNREFUSED`);
  });
});
