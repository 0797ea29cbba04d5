import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI, runCli } from './cli-helpers.js';

it('credflow ui serves the page and guards the API with the printed session key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'credflow-ui-cli-'));
  const config = join(dir, 'credflow.yaml');
  await writeFile(
    config,
    'credentials:\n  a: { type: client_credentials, tokenEndpoint: "https://idp.example/t", clientId: c, clientSecret: { secret: S } }\n',
  );
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`ui exited ${code}`)));
      setTimeout(() => reject(new Error('no URL printed')), 15_000);
    });
    const { origin, searchParams, port } = new URL(url);
    const busy = await runCli(['ui', '--port', port, '--config', config]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE): choose another --port or --host`);
    expect((await fetch(`${origin}/`)).status).toBe(200);
    expect((await fetch(`${origin}/api/credentials`)).status).toBe(401);
    const ok = await fetch(`${origin}/api/credentials`, {
      headers: { 'x-credflow-key': searchParams.get('key') ?? '' },
    });
    expect(ok.status).toBe(200);
    expect(
      ((await ok.json()) as { tenants: { credentials: { key: string }[] }[] }).tenants[0]?.credentials[0]?.key,
    ).toBe('a');
  } finally {
    child.kill('SIGTERM');
  }
  const help = await runCli(['ui', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: credflow ui');
  expect((await runCli(['ui', '--port', 'x'])).code).toBe(2);
});
