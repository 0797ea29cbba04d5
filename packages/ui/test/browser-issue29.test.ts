// Issue 29 in headless Chromium: versioned writes (no lost update), inherited
// credentials, the form's fields by type and client authentication method,
// and the list's scopes and per-row Test.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
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
// CREDFLOW_SCREENSHOT=1 writes the README's screenshots to docs/.
const SHOTS = process.env.CREDFLOW_SCREENSHOT ? new URL('../../../docs/', import.meta.url).pathname : undefined;

async function shot(name: string) {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

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
    await shot('ui-conflict.png');
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
    await shot('ui-inherited.png');
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

  it('shows the fields of the chosen type and client authentication method only', async () => {
    await page.click('#new');
    await page.selectOption('#type', 'client_credentials');
    const shown = async () =>
      await page
        .locator('#fields label[data-field]:visible')
        .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-field')));
    const method = (m: string) => page.selectOption('select[name="clientAuthMethod"]', m);
    expect(await shown()).toContain('clientSecret');
    expect(await shown()).not.toEqual(expect.arrayContaining(['algorithm']));
    expect(await shown()).not.toContain('certificate');
    expect(await shown()).not.toContain('privateKey');
    await method('client_secret_jwt');
    expect(await shown()).toEqual(expect.arrayContaining(['clientSecret', 'algorithm']));
    expect(await shown()).not.toContain('certificate');
    await method('tls_client_auth');
    expect(await shown()).toEqual(expect.arrayContaining(['certificate', 'privateKey']));
    expect(await shown()).not.toContain('clientSecret');
    expect(await shown()).not.toContain('algorithm');
    await method('client_secret_post');
    expect(await shown()).toContain('clientSecret');
    expect(await shown()).not.toContain('certificate');
    // github_app has no client authentication method at all.
    await page.selectOption('#type', 'github_app');
    expect(await shown()).not.toContain('clientAuthMethod');
    await page.click('#cancel');
  });

  it('does not cut off the Client authentication select (any option, form open at 1024 px)', async () => {
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.click('#new');
    await page.selectOption('#type', 'client_credentials');
    const cut = await page.locator('select[name="clientAuthMethod"]').evaluate((select: HTMLSelectElement) => {
      const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
      const style = getComputedStyle(select);
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room =
        select.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight) - 20;
      return [...select.options].map((o) => o.text).filter((t) => ctx.measureText(t).width > room);
    });
    expect(cut).toEqual([]);
    await page.click('#cancel');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('reports every problem of a definition at once, and a field fixed is no longer red', async () => {
    await page.click('#new');
    await page.selectOption('#type', 'client_credentials');
    await page.fill('input[name="key"]', 'draft_api');
    await page.click('#save');
    await page.locator('[data-outcome="refused"]').waitFor();
    const red = async () =>
      page.locator('#form label.invalid').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-field')));
    // The client id, the endpoint (or issuer) and the client secret (or mTLS), in one answer.
    expect(await red()).toEqual(expect.arrayContaining(['clientId', 'tokenEndpoint', 'clientSecret']));
    await page.fill('input[name="clientId"]', 'acme-worker');
    expect(await red()).not.toContain('clientId');
    expect(await red()).toEqual(expect.arrayContaining(['tokenEndpoint', 'clientSecret']));
    expect(await page.locator('label[data-field="clientId"] .field-error').count()).toBe(0);
    await page.click('#cancel');
  });

  it('clears the Saved banner after another action, and logs each save and delete on the server (names only)', async () => {
    await openEdit('billing');
    await page.fill('input[name="timeout"]', 'PT15S');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    expect(logged).toContain(`saved 'billing' (tenant main) in ${file}`);
    // Deleting another credential from the list: the banner about billing goes.
    await page.click('button[data-delete="reports_api"]');
    await page.click('#confirm-delete');
    await page.locator('tr[data-key="reports_api"]').waitFor({ state: 'detached' });
    expect(await page.locator('#result').isVisible()).toBe(false);
    expect(logged).toContain(`deleted 'reports_api' (tenant main, namespace company.team.reports) from ${file}`);
    // Editing after a save clears it too.
    await page.fill('input[name="timeout"]', 'PT16S');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    await page.fill('input[name="timeout"]', 'PT17S');
    expect(await page.locator('#result').isVisible()).toBe(false);
    expect(logged.join('\n')).not.toContain(SECRET);
    await page.click('#cancel');
  });

  it('warns on a rename that flows may use the old key', async () => {
    await openEdit('billing');
    await page.fill('input[name="key"]', 'billing_v2');
    const hint = await page.locator('label:has(input[name="key"]) .hint').innerText();
    expect(hint).toContain("credential('billing')");
    expect(hint).toContain('flows');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    expect(await page.locator('#result').innerText()).toContain("credential('billing')");
    expect(logged.at(-1)).toContain("renamed or moved from 'billing'");
  });

  it('serves a favicon (no 404 while the page loads)', async () => {
    const missing: string[] = [];
    const other = await browser.newPage();
    other.on('response', (r) => r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`));
    await other.goto(ui.url);
    await other.locator('tr[data-key="acme_orders"]').waitFor();
    const icon = await other.locator('link[rel="icon"]').getAttribute('href');
    expect((await other.request.get(`${ui.origin}${icon}`)).status()).toBe(200);
    expect((await other.request.get(`${ui.origin}/favicon.ico`)).status()).toBe(200);
    expect(missing).toEqual([]);
    await other.close();
  });

  it('disables New credential, saying why, without a session key or with a broken file', async () => {
    const none = await browser.newPage();
    await none.goto(`${ui.origin}/`);
    await none.locator('#notice').waitFor();
    expect(await none.locator('#new').isDisabled()).toBe(true);
    expect(await none.locator('#new-reason').innerText()).toContain('session key');
    await none.close();
    const good = await readFile(file, 'utf8');
    await writeFile(file, 'credentials:\n  a:\n    type: magic\n');
    await page.reload();
    await page.locator('#notice li').first().waitFor();
    expect(await page.locator('#new').isDisabled()).toBe(true);
    expect(await page.locator('#new-reason').innerText()).toContain('fix');
    await writeFile(file, good);
    await page.reload();
    await page.locator('tr[data-key="acme_orders"]').waitFor();
    expect(await page.locator('#new').isDisabled()).toBe(false);
    expect(await page.locator('#new-reason').isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
