import { mkdtemp, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import {
  type DemoEnvironment,
  describeFindings,
  type LoopbackServer,
  readBody,
  scanForLeaks,
  secretNeedles,
  sendJson,
  startDemoEnvironment,
  startLoopbackServer,
} from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIo } from '../capture-io.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const CLIENT_SECRET = 'leak-test-client-secret-0123456789';
/** Every text credflow produced in this file: stdout, stderr, JSON, warnings, error messages and stacks. */
const produced: string[] = [];
/** Every token a fault server handed out. */
const faultTokens: string[] = [];

let demo: DemoEnvironment;
let faults: LoopbackServer;
let dir: string;
let config: string;

type Mode = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
const token = (tag: string) => {
  const t = `leaky-${tag}-${Math.random().toString(36).slice(2)}-token`;
  faultTokens.push(t);
  return t;
};
const MODES: Record<string, Mode> = {
  refuse: () => {},
  hang: () => new Promise(() => {}),
  html: (_q, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<html>${CLIENT_SECRET}</html>`);
  },
  badjson: (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"access_token":"${token('badjson')}"`);
  },
  noaccess: (_q, res) => sendJson(res, 200, { token_type: 'Bearer' }),
  mac: (_q, res) => sendJson(res, 200, { access_token: token('mac'), token_type: 'mac' }),
  garbage: (_q, res) =>
    sendJson(res, 200, { access_token: token('garbage'), token_type: 'Bearer', expires_in: 'soon' }),
  negative: (_q, res) => sendJson(res, 200, { access_token: token('negative'), token_type: 'Bearer', expires_in: -1 }),
  huge: (_q, res) => sendJson(res, 200, { access_token: token('huge'), token_type: 'Bearer', expires_in: 1e15 }),
  unavailable: (_q, res) => sendJson(res, 503, { error: 'temporarily_unavailable' }),
  slow_down: (_q, res) => sendJson(res, 429, { error: 'slow_down' }, { 'retry-after': '0' }),
  invalid_client: (_q, res) =>
    sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' }),
};

const io = () => {
  const { io: cli, out } = captureIo();
  return { cli, out };
};

async function cli(args: string[]) {
  const { cli: c, out } = io();
  const code = await main(args, c);
  produced.push(out.stdout, out.stderr);
  return { code, ...out };
}

beforeAll(async () => {
  demo = await startDemoEnvironment();
  faults = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    const mode = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    if (mode === 'refuse') {
      req.socket.destroy();
      return;
    }
    await (MODES[mode] ?? ((_q, r) => sendJson(r, 404, {})))(req, res);
  });
  dir = await mkdtemp(join(tmpdir(), 'credflow-leaks-'));
  config = join(dir, 'credflow.yaml');
  const faultCreds = Object.keys(MODES)
    .map(
      (m) =>
        `  fault_${m}: { type: client_credentials, tokenEndpoint: "${faults.url}/${m}", clientId: c, clientSecret: { secret: LEAK_SECRET }, timeout: PT0.3S }`,
    )
    .join('\n');
  await writeFile(config, demo.configYaml.replace('credentials:\n', `credentials:\n${faultCreds}\n`));
  Object.assign(process.env, demo.secretEnv, { SECRET_LEAK_SECRET: Buffer.from(CLIENT_SECRET).toString('base64') });
});

afterAll(async () => {
  await demo?.close();
  await faults?.close();
});

describe('leak-proofing', () => {
  it('runs every sample flow through the CLI', async () => {
    for (const flow of ['client-credentials', 'private-key-jwt', 'jwt-bearer', 'github-app', 'masking', 'errors']) {
      for (const json of [[], ['--json']]) {
        const r = await cli([
          'run',
          join(ROOT, 'flows', `${flow}.yaml`),
          '--config',
          config,
          '--input',
          `api=${demo.api.url}`,
          ...json,
        ]);
        expect(r.code).toBe(flow === 'errors' ? 1 : 0);
      }
    }
  });

  it('logs a GitHub installation token and every other credential only as ******', async () => {
    const file = join(dir, 'log-all.yaml');
    await writeFile(
      file,
      `id: f\nnamespace: credflow.demo.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message:\n${[
        'gh',
        'gcp',
        'demo_pkjwt',
        'demo_oauth',
        'team_oauth',
      ]
        .map((k) => `      - "<< credential('${k}') >> << credential('${k}') | urlencode >>"`)
        .join('\n')}\n      - "<< secret('GH_APP_KEY') >> << secret('GCP_SA') >>"\n`,
    );
    const r = await cli(['run', file, '--config', config, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/t INFO {2}\*{6} \*{6}\n/g)).toHaveLength(6);
    const api = await fetch(`${demo.api.url}/api/github/repos`, { headers: { authorization: 'Bearer probe' } });
    expect(api.status).toBe(401);
  });

  it('runs every token endpoint failure through credentials test and the store', async () => {
    for (const mode of Object.keys(MODES)) {
      const human = await cli(['credentials', 'test', `fault_${mode}`, '--config', config]);
      const json = await cli(['credentials', 'test', `fault_${mode}`, '--config', config, '--json']);
      expect([0, 1]).toContain(human.code);
      expect(JSON.parse(json.stdout).key).toBe(`fault_${mode}`);
      const warnings: string[] = [];
      const store = await CredentialStore.fromFile(config, {
        logger: { warn: (m) => warnings.push(m) },
        retry: { baseDelayMs: 1 },
        secretProviders: [new EnvSecretProvider()],
      });
      try {
        await store.getToken(`fault_${mode}`);
      } catch (err) {
        const e = err as Error & { cause?: Error };
        produced.push(e.message, e.stack ?? '', JSON.stringify(e), String(e.cause?.message), String(e.cause?.stack));
      }
      produced.push(...warnings);
    }
  });

  it('found no secret and no token anywhere, in any encoding', () => {
    const all = produced.join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    const values = [CLIENT_SECRET, ...demo.secretValues, ...demo.api.seenTokens, ...faultTokens];
    expect(demo.api.seenTokens.some((t) => t.startsWith('ghs_'))).toBe(true);
    expect(faultTokens.length).toBeGreaterThan(3);
    // The testkit's scanner, independent of the product's own list of encodings.
    expect(describeFindings(scanForLeaks(all, values.flatMap(secretNeedles)))).toEqual([]);
  });
});
