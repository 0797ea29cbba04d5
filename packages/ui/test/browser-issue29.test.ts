// Issue 29 in headless Chromium: versioned writes (no lost update), inherited
// credentials, the form's fields by type and client authentication method,
// and the list's scopes and per-row Test.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';
import { chromiumAvailable, launchChromium } from './browser-helpers.js';

const SECRET = 'acme-client-secret-0123456789abcdef';
let as: AuthServer;
let ui: UiServer;
let browser: Browser;
let file: string;
let page: Page;
const pageErrors: string[] = [];
const logged: string[] = [];

const CONFIG = (endpoint: string) => `secrets:
  - type: env

credentials:
  acme_orders:
    type: client_credentials
    tokenEndpoint: ${endpoint}
    clientId: acme-worker
    clientSecret: { secret: ACME_SECRET }
    scopes: [orders:read]
    timeout: PT10S

  billing:
    type: client_credentials
    tokenEndpoint: ${endpoint}
    clientId: acme-worker
    clientSecret: { secret: ACME_SECRET }

namespaces:
  company.team:
    credentials:
      team_api:
        type: client_credentials
        tokenEndpoint: ${endpoint}
        clientId: acme-worker
        clientSecret: { secret: ACME_SECRET }
        scopes: [orders:write]
  company.team.reports:
    credentials:
      reports_api:
        type: client_credentials
        tokenEndpoint: ${endpoint}
        clientId: acme-worker
        clientSecret: { secret: ACME_SECRET }
`;

async function openEdit(key: string) {
  await page.click(`button[data-edit="${key}"]`);
  await page.locator('#form-title', { hasText: `Edit ${key}` }).waitFor();
  expect(await page.inputValue('input[name="key"]')).toBe(key);
}

async function edit(from: string, to: string) {
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  as = await startAuthServer({
    scopes: ['orders:read', 'orders:write'],
    clients: [
      {
        client_id: 'acme-worker',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'orders:read orders:write',
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'credflow-browser29-'));
  file = join(dir, 'credflow.yaml');
  await writeFile(file, CONFIG(as.tokenEndpoint));
  ui = await startUi({
    configPath: file,
    port: 0,
    secretProviders: [new EnvSecretProvider({ env: { SECRET_ACME_SECRET: Buffer.from(SECRET).toString('base64') } })],
    logger: { warn: () => {} },
    log: (line) => logged.push(line),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(ui.url);
  await page.locator('tr[data-key="acme_orders"]').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await as?.close();
});

describe.skipIf(!chromiumAvailable)('issue 29: credflow ui in headless Chromium', () => {
  it('refuses a save over a change made to the file since the form was opened, naming what changed', async () => {
    await openEdit('acme_orders');
    // Another writer (an editor, ops) rotates the client id while the form is open.
    await edit(
      '    clientId: acme-worker\n    clientSecret: { secret: ACME_SECRET }\n    scopes: [orders:read]',
      '    clientId: acme-worker-v2 # rotated by ops\n    clientSecret: { secret: ACME_SECRET }\n    scopes: [orders:read]',
    );
    // ...and changes another credential: that alone would not block.
    await edit('  billing:\n    type: client_credentials', '  billing: # touched\n    type: client_credentials');
    await page.fill('input[name="timeout"]', 'PT20S');
    await page.click('#save');
    await page.locator('#result [data-outcome]').waitFor();
    expect(await page.locator('#result [data-outcome]').getAttribute('data-outcome')).toBe('conflict');
    const text = await page.locator('#result').innerText();
    expect(text).toContain('changed in the file');
    expect(text).toContain('clientId');
    expect(text).not.toContain(SECRET);
    const after = await readFile(file, 'utf8');
    expect(after).toContain('clientId: acme-worker-v2 # rotated by ops');
    expect(after).toContain('timeout: PT10S');
    // Reload takes the file's version; the change applied again is then saved over it.
    await page.click('#result button[data-action="reload"]');
    await page.locator('#result').waitFor({ state: 'hidden' });
    expect(await page.inputValue('input[name="clientId"]')).toBe('acme-worker-v2');
    await page.fill('input[name="timeout"]', 'PT20S');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    const saved = await readFile(file, 'utf8');
    expect(saved).toContain('clientId: acme-worker-v2 # rotated by ops');
    expect(saved).toContain('timeout: PT20S');
  });

  it('saves when only another credential changed meanwhile', async () => {
    await openEdit('acme_orders');
    await edit('  billing: # touched\n', '  billing: # touched twice\n');
    await page.fill('input[name="timeout"]', 'PT25S');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    expect(await readFile(file, 'utf8')).toContain('timeout: PT25S');
  });

  it('refuses a delete of a credential changed since it was opened', async () => {
    await openEdit('billing');
    await edit(
      '  billing: # touched twice\n    type: client_credentials',
      '  billing: # touched twice\n    type: client_credentials\n    scopes: [orders:read]',
    );
    await page.click('#delete');
    await page.click('#confirm-delete');
    await page.locator('#notice', { hasText: 'changed in the file' }).waitFor();
    expect(await page.locator('#notice').innerText()).toContain('scopes');
    expect(await readFile(file, 'utf8')).toContain('  billing: # touched twice');
    expect(pageErrors).toEqual([]);
  });

  it('shows inherited credentials as inherited, with where they come from, and no Edit or Delete', async () => {
    await page.reload();
    await page.locator('tr[data-key="reports_api"]').waitFor();
    const reports = page.locator('.namespace[data-namespace="company.team.reports"]');
    // Its own credential: Edit, Delete and Test.
    expect(await reports.locator('tr[data-key="reports_api"] button').allInnerTexts()).toEqual([
      'Test',
      'Edit',
      'Delete',
    ]);
    // team_api of the parent namespace, acme_orders of the tenant: inherited, with a link to where they live.
    const team = reports.locator('tr.inherited[data-inherited="team_api"]');
    expect(await team.locator('button').count()).toBe(0);
    expect(await team.innerText()).toContain('inherited');
    expect(await team.locator('a.origin').innerText()).toContain('company.team');
    const acme = reports.locator('tr.inherited[data-inherited="acme_orders"]');
    expect(await acme.locator('a.origin').innerText()).toContain('tenant main');
    expect(await reports.locator('tr[data-key]').count()).toBe(1);
    // The link leads to the credential where it is defined, which can be edited there.
    await team.locator('a.origin').click();
    const origin = page.locator('.namespace[data-namespace="company.team"] tr[data-key="team_api"]');
    await origin.locator('button[data-edit="team_api"]').waitFor();
    expect(await origin.getAttribute('class')).toContain('target');
    // In company.team, team_api is its own.
    expect(await page.locator('.namespace[data-namespace="company.team"] tr.inherited').count()).toBe(2);
  });

  it('lists scopes, and tests a credential from its row', async () => {
    const acme = page.locator('.tenant[data-tenant="main"] > table tr[data-key="acme_orders"]');
    expect(await acme.locator('.scopes').innerText()).toContain('orders:read');
    const row = page.locator('.namespace[data-namespace="company.team"] tr[data-key="team_api"]');
    expect(await row.locator('.scopes').innerText()).toBe('orders:write');
    const before = as.mints;
    await row.locator('button[data-test="team_api"]').click();
    const result = page.locator('tr.test-result[data-for="team_api"]');
    await result.locator('[data-outcome]').waitFor({ timeout: 15_000 });
    expect(await result.locator('[data-outcome]').getAttribute('data-outcome')).toBe('success');
    const text = await result.innerText();
    expect(text).toContain('Bearer');
    expect(text).toContain('orders:write');
    expect(text).not.toContain(SECRET);
    expect(as.mints - before).toBe(1);
    // acme_orders now holds the client id ops rotated to, which this server does not know: the RFC 6749 error.
    await acme.locator('button[data-test="acme_orders"]').click();
    const failed = page.locator('tr.test-result[data-for="acme_orders"] [data-outcome]');
    await failed.waitFor({ timeout: 15_000 });
    expect(await failed.getAttribute('data-outcome')).toBe('failure');
    expect(await page.locator('tr.test-result[data-for="acme_orders"]').innerText()).toContain('invalid_client');
  });
});
