/**
 * TokenWaits on a terminal: a spinner line redrawn in place while a token
 * request waits, other output printed above it, the line gone at the end.
 * A real store against a real (slow) loopback token endpoint; only the
 * terminal is a recorder.
 */
import { CredentialStore } from '@credflow/credentials-core';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { TokenWaits } from '../src/token-waits.js';

const CLEAR = '\r\u001b[2K';
let server: LoopbackServer;

beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    await new Promise((r) => setTimeout(r, 700));
    sendJson(res, 200, { access_token: 'tty-token-4c1d7a', token_type: 'Bearer', expires_in: 3600 });
  });
});

afterAll(async () => {
  await server?.close();
});

function terminal(): { io: CliIo; written: string[] } {
  const written: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (t) => written.push(t),
    env: {},
    color: false,
    tty: true,
  };
  return { io, written };
}

const config = () => `secrets:
  - type: env
    encoding: plain
credentials:
  slow:
    type: client_credentials
    tokenEndpoint: ${server.url}/oauth/token?tenant=x
    clientId: c
    clientSecret: { secret: TTY_SECRET }
`;

it('draws a spinner naming the credential and the endpoint host, prints other lines above it, clears it', async () => {
  process.env.SECRET_TTY_SECRET = 'tty-secret-value';
  const store = CredentialStore.fromYaml(config(), { file: 'credflow.yaml', logger: { warn: () => {} } });
  const { io, written } = terminal();
  const waits = new TokenWaits(io, { afterMs: 200 });
  waits.watch(store);
  const pending = store.getToken('slow');
  // Once the spinner is up (the request takes 700 ms, the notice comes after 200), a line of other output.
  for (let i = 0; i < 250 && !written.join('').includes('waiting'); i++) await new Promise((r) => setTimeout(r, 20));
  waits.io.stderr('a log line\n');
  expect(await pending).toBe('tty-token-4c1d7a');
  waits.close();
  await store.close();

  const out = written.join('');
  const host = new URL(server.url).host;
  const spinner = `⠋ waiting for a token of credential 'slow' (endpoint ${host}): 0 s`;
  expect(out).toContain(`${CLEAR}${spinner}`);
  // A line written meanwhile: the spinner line cleared, the line, the spinner drawn again.
  expect(out).toMatch(new RegExp(`${CLEAR.replace('[', '\\[')}a log line\n[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for a token`));
  expect(out).toMatch(/credflow: credential 'slow' \(endpoint [^)]+\): token received after \d+\.\d s\n/);
  // Nothing of the endpoint but its host, never the token or the secret; the line is gone at the end.
  expect(out).not.toContain('/oauth/token');
  expect(out).not.toContain('tenant=x');
  expect(out).not.toContain('tty-token-4c1d7a');
  expect(out).not.toContain('tty-secret-value');
  expect(out.endsWith(CLEAR)).toBe(true);
});

it('says nothing for an answer within the delay', async () => {
  const store = CredentialStore.fromYaml(config(), { file: 'credflow.yaml', logger: { warn: () => {} } });
  const { io, written } = terminal();
  const waits = new TokenWaits(io, { afterMs: 5000 });
  waits.watch(store);
  await store.getToken('slow');
  await store.getToken('slow');
  waits.close();
  await store.close();
  expect(written.join('')).not.toContain('waiting');
});
