import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';

// A secret only tenant main's providers hold; tenant acme has providers of its own (another prefix).
const NAME = 'UI_SCOPE_ONLY_MAIN';
let ui: UiServer;

beforeAll(async () => {
  process.env[`SECRET_${NAME}`] = Buffer.from('main-only-secret-value').toString('base64');
  const dir = await mkdtemp(join(tmpdir(), 'credflow-ui-scope-'));
  const file = join(dir, 'credflow.yaml');
  const cc = `{ type: client_credentials, tokenEndpoint: "https://idp.example/token", clientId: c, clientSecret: { secret: ${NAME} } }`;
  await writeFile(
    file,
    `credentials:\n  main_one: ${cc}\ntenants:\n  acme:\n    secrets:\n      - { type: env, prefix: ACME_SECRET_ }\n    credentials:\n      acme_one: ${cc}\n`,
  );
  ui = await startUi({ configPath: file, port: 0 });
});
afterAll(async () => {
  delete process.env[`SECRET_${NAME}`];
  await ui?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${ui.origin}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-credflow-key': ui.key },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return res.json() as Promise<Record<string, unknown>>;
}

describe('secret status is checked in each credential’s own scope', () => {
  it('shows main’s secret as found for main and missing for acme (acme never reads main’s providers)', async () => {
    const json = (await call('GET', '/credentials')) as {
      tenants: { id: string; credentials: { key: string; secrets: { status: string }[] }[] }[];
    };
    const status = (tenant: string, key: string) =>
      json.tenants.find((t) => t.id === tenant)?.credentials.find((c) => c.key === key)?.secrets[0]?.status;
    expect(status('main', 'main_one')).toBe('ok');
    expect(status('acme', 'acme_one')).toBe('missing');
    const refs = [{ secret: NAME }];
    expect(await call('POST', '/secret-status', { tenantId: 'main', refs })).toEqual({ statuses: ['ok'] });
    expect(await call('POST', '/secret-status', { tenantId: 'acme', refs })).toEqual({ statuses: ['missing'] });
  });
});
