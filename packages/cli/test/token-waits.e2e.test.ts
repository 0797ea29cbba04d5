/**
 * Issue 29 / SPEC section 6: a notice while a token request or a retry
 * waits, through the built CLI (stderr is a pipe here: plain lines). The
 * token endpoint is a real loopback server that answers 503 first, then
 * takes 1.5 s to answer.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

const SECRET = 'waits-client-secret-9f3c1e';
const minted: string[] = [];
let requests = 0;
let server: LoopbackServer;
let dir: string;
let host: string;

beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    if (requests === 1) {
      sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' });
      return;
    }
    await new Promise((r) => setTimeout(r, 1500));
    const token = `waits-token-${requests}-${Math.random().toString(36).slice(2)}`;
    minted.push(token);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  });
  host = new URL(server.url).host;
  dir = await mkdtemp(join(tmpdir(), 'credflow-waits-'));
  await writeFile(
    join(dir, 'credflow.yaml'),
    `secrets:
  - type: env
    encoding: plain
credentials:
  slow_api:
    type: client_credentials
    tokenEndpoint: ${server.url}/token
    clientId: waits-client
    clientSecret: { secret: SLOW_SECRET }
`,
  );
  await writeFile(
    join(dir, 'flow.yaml'),
    `id: waits
namespace: company.team
tasks:
  - id: use
    type: io.kestra.plugin.core.log.Log
    message: "token length << credential('slow_api') | length >>"
`,
  );
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  requests = 0;
});

const env = () => ({ CREDFLOW_CONFIG: join(dir, 'credflow.yaml'), SECRET_SLOW_SECRET: SECRET });

/** What every command must say on stderr, and never say anywhere. */
function expectNotices(stderr: string, stdout: string): void {
  expect(stderr).toContain(
    "credflow: credential 'slow_api': token endpoint answered 503; retrying in 1 s (attempt 2 of 3)\n",
  );
  expect(stderr).toContain(`credflow: waiting for a token of credential 'slow_api' (endpoint ${host})…\n`);
  expect(stderr).toMatch(/credflow: credential 'slow_api' \(endpoint [^)]+\): token received after \d+\.\d s\n/);
  // The notice says where, never what: no secret, no token, no path of the endpoint.
  for (const out of [stderr, stdout.replace(minted.at(-1) ?? '\u0000', '')]) {
    expect(out).not.toContain(SECRET);
    for (const t of minted) expect(out).not.toContain(t);
  }
  expect(stderr).not.toContain('/token');
}

describe('a notice while a token request or a retry waits', () => {
  it('credflow token: the retry and the wait on stderr, the token alone on stdout', async () => {
    const r = await runCli(['token', 'slow_api'], env(), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toBe(2);
    expect(r.stdout).toBe(`${minted.at(-1)}\n`);
    expectNotices(r.stderr, r.stdout);
    // The retry line comes before the wait is over.
    expect(r.stderr.indexOf('retrying in')).toBeLessThan(r.stderr.indexOf('token received'));
  });

  it('credflow run --json: notices on stderr, stdout is the one JSON document', async () => {
    const r = await runCli(['run', 'flow.yaml', '--json'], env(), dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { state: string };
    expect(doc.state).toBe('SUCCESS');
    expectNotices(r.stderr, '');
    expect(r.stdout).not.toContain(SECRET);
  });

  it('credflow exec: the notices come before the command runs', async () => {
    const r = await runCli(
      ['exec', '--env', 'T=slow_api', '--', process.execPath, '-e', 'console.log("ran")'],
      env(),
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ran\n');
    expectNotices(r.stderr, r.stdout);
  });

  it('a token the cache serves gets no notice: one notice for two uses', async () => {
    requests = 1; // no 503 this time: the request answers after 1.5 s
    const flow = join(dir, 'twice.yaml');
    await writeFile(
      flow,
      `id: twice
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('slow_api') | length >>"
  - id: b
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('slow_api') | length >>"
`,
    );
    const r = await runCli(['run', 'twice.yaml'], env(), dir);
    expect(r.code, r.stderr).toBe(0);
    // One mint, one notice: task b's token came from the cache.
    expect(r.stderr.match(/waiting for a token/g)).toHaveLength(1);
    expect(r.stderr).not.toContain('retrying');
  });
});
