// Versioned writes of the UI API (issue 29): POST /definition answers with the
// definition's version (also as ETag); PUT and DELETE /credentials take it (a
// `version` field or If-Match) and are refused with ERR_UI_CONFLICT, naming the
// fields that changed, when that credential changed in the file meanwhile.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';

const CONFIG = `secrets:
  - type: env

credentials:
  acme_orders:
    type: client_credentials
    tokenEndpoint: https://idp.example.com/token
    clientId: acme-worker
    clientSecret: { secret: ACME_SECRET }
    timeout: PT10S
  other: { type: client_credentials, tokenEndpoint: "https://idp.example.com/token", clientId: o, clientSecret: { secret: O } }
`;
let ui: UiServer;
let file: string;
const logged: string[] = [];

beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'credflow-versions-')), 'credflow.yaml');
  await writeFile(file, CONFIG);
  ui = await startUi({ configPath: file, port: 0, logger: { warn: () => {} }, log: (l) => logged.push(l) });
});
afterAll(() => ui?.close());

async function call(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${ui.origin}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-credflow-key': ui.key, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, etag: res.headers.get('etag'), json: (await res.json()) as Record<string, unknown> };
}
const acme = { tenantId: 'main', key: 'acme_orders' };
const open = () => call('POST', '/definition', acme);
const replace = async (from: string, to: string) => {
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
};

it('answers a definition with its version, also as an ETag; layout and comments do not change it', async () => {
  const a = await open();
  expect(a.json.version).toMatch(/^[\w-]{22}$/);
  expect(a.etag).toBe(`"${a.json.version}"`);
  await replace('    clientId: acme-worker\n', '    clientId: acme-worker   # a comment\n');
  expect((await open()).json.version).toBe(a.json.version);
  await replace('# a comment', '');
});

it('refuses a save over a change made meanwhile, naming the field, and keeps the file as the other writer left it', async () => {
  const { json } = await open();
  await replace('clientId: acme-worker', 'clientId: acme-worker-v2 # rotated by ops');
  await replace('clientId: o,', 'clientId: o2,'); // another credential: no part of the conflict
  const definition = { ...(json.definition as object), timeout: 'PT20S' };
  const before = await readFile(file, 'utf8');
  const r = await call('PUT', '/credentials', { ...acme, definition, original: acme, version: json.version });
  expect(r.status).toBe(409);
  expect(r.json.code).toBe('ERR_UI_CONFLICT');
  expect(r.json.changed).toEqual(['clientId']);
  expect(r.json.message).toContain("'acme_orders' (tenant main) changed in the file since you opened it (clientId)");
  expect(JSON.stringify(r.json)).not.toContain('acme-worker-v2'); // names, never values
  expect(r.json.version).toBe((await open()).json.version);
  expect(await readFile(file, 'utf8')).toBe(before);
  // The same through If-Match.
  const h = await call('PUT', '/credentials', { ...acme, definition }, { 'if-match': `"${json.version}"` });
  expect(h.status).toBe(409);
  expect(h.json.changed).toEqual(['clientId']);
});

it('saves against the current version (only another credential changed since), and answers with the new one', async () => {
  const { json } = await open();
  await replace('clientId: o2,', 'clientId: o3,');
  const definition = { ...(json.definition as object), timeout: 'PT20S' };
  const r = await call('PUT', '/credentials', { ...acme, definition, version: json.version });
  expect(r.status).toBe(200);
  expect(r.json.version).toBe((await open()).json.version);
  expect(r.json.version).not.toBe(json.version);
  expect(await readFile(file, 'utf8')).toContain('timeout: PT20S');
  expect(logged.at(-1)).toBe(`saved 'acme_orders' (tenant main) in ${file}`);
});

it('refuses a delete over a change; a version this server never handed out is refused without field names', async () => {
  const { json } = await open();
  await replace('timeout: PT20S', 'timeout: PT30S');
  const d = await call('DELETE', '/credentials', { ...acme, version: json.version });
  expect(d.status).toBe(409);
  expect(d.json.changed).toEqual(['timeout']);
  const u = await call('DELETE', '/credentials', { ...acme, version: 'not-a-version-it-gave' });
  expect(u.status).toBe(409);
  expect(u.json.changed).toBeUndefined();
  expect(await readFile(file, 'utf8')).toContain('acme_orders:');
  const n = (await open()).json.version as string;
  const ok = await call('DELETE', '/credentials', acme, { 'if-match': `W/"${n}"` });
  expect(ok.json.deleted).toBe(true);
  expect(logged.at(-1)).toBe(`deleted 'acme_orders' (tenant main) from ${file}`);
  // Saved against a version of a credential removed meanwhile: refused, not written back.
  const gone = await call('PUT', '/credentials', { ...acme, definition: { type: 'client_credentials' }, version: n });
  expect(gone.status).toBe(409);
  expect(gone.json.message).toContain('was removed from the file since you opened it');
  expect(await readFile(file, 'utf8')).not.toContain('acme_orders:');
});

it('lists each credential with its version', async () => {
  const r = await fetch(`${ui.origin}/api/credentials`, { headers: { 'x-credflow-key': ui.key } });
  const list = (await r.json()) as { tenants: { credentials: { key: string; version: string }[] }[] };
  const other = list.tenants[0]?.credentials.find((c) => c.key === 'other');
  expect(other?.version).toBe((await call('POST', '/definition', { tenantId: 'main', key: 'other' })).json.version);
});

it('reports every problem of a definition at once (also with a wrong key), each field once', async () => {
  const r = await call('PUT', '/credentials', {
    tenantId: 'main',
    key: 'draft',
    definition: { type: 'client_credentials' },
    create: true,
  });
  expect(r.status).toBe(400);
  const paths = (r.json.issues as { path: string }[]).map((i) => i.path);
  expect(paths).toEqual(expect.arrayContaining(['clientId', 'tokenEndpoint', 'clientSecret']));
  expect(new Set(paths).size).toBe(paths.length);
  const bad = await call('PUT', '/credentials', {
    tenantId: 'main',
    key: '',
    definition: { type: 'client_credentials', tokenEndpoint: 'x', timeout: 5 },
    create: true,
  });
  expect((bad.json.issues as { path: string }[]).map((i) => i.path)).toEqual(
    expect.arrayContaining(['key', 'tokenEndpoint', 'timeout', 'clientId', 'clientSecret']),
  );
  expect(await readFile(file, 'utf8')).not.toContain('draft');
});
