/**
 * credflow installed as a user would: the public packages packed with
 * `pnpm pack`, installed with npm into a new project outside the repo, then
 * the `credflow` command and a host-app script run there against a real
 * authorization server on loopback.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli-helpers.js';

const PUBLIC = ['credentials-core', 'template-extension', 'flow-runner', 'ui', 'cli'];
const SECRET = 'pack-install-client-secret';
let as: AuthServer;
let project: string;

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  as = await startAuthServer({
    clients: [
      {
        client_id: 'c',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
  });
  const packs = await mkdtemp(join(tmpdir(), 'credflow-packs-'));
  for (const p of PUBLIC) {
    const r = await sh('pnpm', ['pack', '--pack-destination', packs], join(ROOT, 'packages', p));
    expect(r.code, r.out).toBe(0);
  }
  const tarballs = await readdir(packs);
  project = await mkdtemp(join(tmpdir(), 'credflow-host-'));
  const dependencies: Record<string, string> = { nunjucks: '~3.2.4' };
  for (const p of PUBLIC) {
    const file = tarballs.find((t) => t.startsWith(`credflow-${p}-`));
    expect(file, p).toBeDefined();
    dependencies[`@credflow/${p}`] = `file:${join(packs, file as string)}`;
  }
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'host', private: true, type: 'module', dependencies }),
  );
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
  expect(install.code, install.out).toBe(0);
  await writeFile(
    join(project, 'credflow.yaml'),
    `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: CLIENT } }\n`,
  );
}, 600_000);
afterAll(async () => {
  await as?.close();
});

const env = () => ({ SECRET_CLIENT: Buffer.from(SECRET).toString('base64') });

describe('credflow installed from its packages into a project outside the repo', () => {
  it('npx credflow --help', async () => {
    const r = await sh('npx', ['--no-install', 'credflow', '--help'], project);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('credflow run FLOW.yaml');
  });

  it('credflow run on a flow in that directory (config found in the working directory)', async () => {
    await writeFile(
      join(project, 'whoami.yaml'),
      [
        'id: whoami',
        'namespace: company.team',
        'tasks:',
        '  - id: token',
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "token << credential('api') >> of << credential('api') | length >> characters"`,
        '',
      ].join('\n'),
    );
    const mints = as.mints;
    const r = await sh(join(project, 'node_modules/.bin/credflow'), ['run', 'whoami.yaml'], project, env());
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/token \*{6} of \d+ characters/);
    expect(as.mints).toBe(mints + 1);
  });

  it('a host-app script imports the packages and renders credential()', async () => {
    await writeFile(
      join(project, 'host.mjs'),
      [
        "import nunjucks from 'nunjucks';",
        "import { CredentialStore } from '@credflow/credentials-core';",
        "import { registerCredentials, render } from '@credflow/template-extension';",
        "const store = await CredentialStore.fromFile('credflow.yaml');",
        'const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });',
        "const r = await render(env, \"Bearer << credential('api') >>\", {}, { scope: { tenantId: 'main' } });",
        "const token = r.output.slice('Bearer '.length);",
        "console.log(r.sensitiveValues.includes(token) && token.length > 20 ? 'rendered a live token' : 'no token');",
        '',
      ].join('\n'),
    );
    const r = await sh(process.execPath, ['host.mjs'], project, env());
    expect(r.code, r.out).toBe(0);
    expect(r.out.trim()).toBe('rendered a live token');
  });
});
