/**
 * credflow installed as a user would: the public packages packed with
 * `pnpm pack`, installed with npm into a new project outside the repo, then
 * the `credflow` command and a host-app script run there against a real
 * authorization server on loopback.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWeight, installWeight, npmProject, packWorkspace, sh } from './pack-install-helpers.js';

const PUBLIC = ['credentials-core', 'template-extension', 'flow-runner', 'ui', 'cli'];
const SECRET = 'pack-install-client-secret';
let as: AuthServer;
let project: string;

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
  const tarballs = await packWorkspace(PUBLIC);
  const dependencies: Record<string, string> = { nunjucks: '3.2.4' };
  for (const p of PUBLIC) dependencies[`@credflow/${p}`] = `file:${tarballs.get(p)}`;
  project = await npmProject(dependencies);
  console.log(
    `the credflow command and every package (the CLI brings every integration): ${describeWeight(await installWeight(project))}`,
  );
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
  it('the CLI brings every optional integration (cloud SDKs, ioredis), so the command does everything', async () => {
    for (const p of [
      '@aws-sdk/client-secrets-manager',
      '@google-cloud/secret-manager',
      '@azure/identity',
      '@azure/keyvault-secrets',
      'ioredis',
    ]) {
      expect(existsSync(join(project, 'node_modules', p, 'package.json')), p).toBe(true);
    }
    await writeFile(
      join(project, 'cloud.yaml'),
      'secrets:\n  - type: aws-secrets-manager\n    region: eu-west-1\ncredentials: {}\n',
    );
    const load = [
      "import { CredentialStore } from '@credflow/credentials-core';",
      "await CredentialStore.fromFile('cloud.yaml');",
      "console.log('loaded');",
    ].join('\n');
    const r = await sh(process.execPath, ['--input-type=module', '-e', load], project);
    expect(r.out.trim()).toBe('loaded');
  });

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
