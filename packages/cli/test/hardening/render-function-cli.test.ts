import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanForLeaks } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

// The attacker's review of render() (F2, F4): its errors quoted pieces of a token or a secret
// (`render(): 'MAINaaaa1111bbbbZ' is undefined`), and it compiled template-built text for
// minutes past the 10 s limit.
const TOKEN = 'tok-MAINaaaa1111bbbbZ-9f8e7d6c';
const CLIENT_SECRET = 'client-secret-MAIN-6666-abcdef';
const API_KEY = 'sk-live-ABCDEFGH12345678';
const reversed = (s: string) => [...s].reverse().join('');
const NEEDLES = [TOKEN, reversed(TOKEN), CLIENT_SECRET, API_KEY, reversed(API_KEY), 'MAINaaaa1111bbbbZ'];
const env = {
  SECRET_CS_MAIN: Buffer.from(CLIENT_SECRET).toString('base64'),
  SECRET_API_KEY: Buffer.from(API_KEY).toString('base64'),
};
let dir: string;
let server: Server;

const flow = (id: string, message: string) =>
  [
    `id: ${id}`,
    'namespace: company.team',
    'tasks:',
    '  - id: t',
    '    type: io.kestra.plugin.core.log.Log',
    `    message: ${JSON.stringify(message)}`,
    '',
  ].join('\n');

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: TOKEN, expires_in: 3600, token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'credflow-render-fn-'));
  await writeFile(
    join(dir, 'credflow.yaml'),
    [
      'credentials:',
      '  my_oauth:',
      '    type: client_credentials',
      `    tokenEndpoint: http://127.0.0.1:${port}/token`,
      '    clientId: c1',
      '    clientSecret: { secret: CS_MAIN }',
      '',
    ].join('\n'),
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(id: string, message: string, json: boolean) {
  const file = join(dir, `${id}.yaml`);
  await writeFile(file, flow(id, message));
  const started = Date.now();
  const r = await runCli(['run', file, '--config', join(dir, 'credflow.yaml'), ...(json ? ['--json'] : [])], env);
  return { ...r, ms: Date.now() - started };
}

describe('credflow run: render() errors quote nothing of a token or secret (F2)', () => {
  it.each([
    ['token_replace', "<< render('<< ' ~ (credential('my_oauth') | replace('-', ' is not defined and ')) ~ ' >>') >>"],
    ['secret_replace', "<< render('<< ' ~ (secret('API_KEY') | replace('-', ' is not defined and ')) ~ ' >>') >>"],
    ['secret_reverse', "<< render('<< ' ~ (secret('API_KEY') | reverse) ~ ' >>') >>"],
    ['token_reverse_once', "<< renderOnce('<< ' ~ (credential('my_oauth') | reverse) ~ ' >>') >>"],
    ['secret_syntax', "<< render('<< \"' ~ secret('API_KEY') ~ ' >>') >>"],
  ])('%s: exit 1, the error names render(), no piece of the value (text and --json)', async (id, message) => {
    for (const json of [false, true]) {
      const r = await run(`${id}${json ? '_json' : ''}`, message, json);
      expect(r.code).toBe(1);
      const all = `${r.stdout}\n${r.stderr}`;
      expect(all).toMatch(/render(Once)?\(\): the text to render holds a value derived from a secret or token/);
      expect(scanForLeaks(all, NEEDLES)).toEqual([]);
      expect(all).not.toMatch(/\n\s+at .*:\d+:\d+\)?/);
    }
  });
});

describe('credflow run: render() compiles bounded text (F4)', () => {
  it.each([
    [
      'compile_join',
      "<< render(range(100000) | join('<< 1 >><< 1 >><< 1 >><< 1 >><< 1 >><< 1 >><< 1 >><< 1 >>')) | length >>",
      /render\(\) compiles at most \d+ (characters|tags)/,
    ],
    [
      'compile_recursive',
      '<% set a = "<< a >><< a >>" %><< render(a, recursive=true) | length >>',
      /render\(\) compiles at most 10000 tags/,
    ],
  ])('%s ends within 15 s with exit 1 and the limit named', async (id, message, named) => {
    const r = await run(id, message, true);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { state: string };
    expect(doc.state).toBe('FAILED');
    expect(r.stdout).toMatch(/templates\.limits\.(maxIterations|maxOutputBytes)/);
    expect(r.stdout).toMatch(named);
  });
});

describe('credflow run: errors in the template’s words, not JavaScript’s (F8)', () => {
  it.each([
    [
      'deep_parens',
      `<< ${'('.repeat(20000)}1${')'.repeat(20000)} >>`,
      /template nesting too deep \(over 1000 levels\)/,
    ],
    ['title_number', "<< ('a ' * 5000000) | title >>", /filter 'title' expects text, not a number/],
  ])('%s', async (id, message, expected) => {
    const r = await run(id, message, false);
    expect([1, 2]).toContain(r.code);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(all).toMatch(expected);
    expect(all).not.toMatch(/TypeError|RangeError|is not a function|call stack/);
  });
});
