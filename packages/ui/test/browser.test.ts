import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';

// Debian's chromium; .ci/run installs it. Without it (a bare dev machine) the
// tests are skipped; in CI (CI=true) its absence fails the run.
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

const SECRET = 'browser-client-secret-0123456789';
const SHOTS = process.env.CREDFLOW_SCREENSHOT ? new URL('../../../docs/', import.meta.url).pathname : undefined;
let as: AuthServer;
let ui: UiServer;
let browser: Browser;
let file: string;
let page: Page;
const pageErrors: string[] = [];

const CONFIG = (endpoint: string) => `# team credentials
secrets:
  - type: env

credentials:
  # the browser's client (this comment stays)
  existing:
    type: client_credentials
    tokenEndpoint: ${endpoint}   # local oidc-provider
    clientId: browser-client
    clientSecret: { secret: BROWSER_SECRET }
    scopes: [api:read]
    defaultLifetime: PT2H
    extraParams: { tenant_hint: x }
    cache:
      enabled: true

  gcp:
    type: jwt_bearer
    tokenEndpoint: https://oauth2.googleapis.com/token
    issuer: { secret: GCP_SA, subkey: client_email } # or a plain string
    privateKey: { secret: GCP_SA, subkey: private_key }
    keyId: { secret: GCP_SA, subkey: private_key_id } # optional
    additionalClaims: { scope: "https://www.googleapis.com/auth/cloud-platform" }

namespaces:
  company.team:
    credentials:
      gh: { type: github_app, appId: 12345, privateKey: { secret: GH_APP_KEY }, installationId: 987 }
`;

async function shot(name: string) {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

/** Lines of `after` that are not in `before` at the same place (a line diff of one contiguous change). */
function changed(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let p = 0;
  while (p < a.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { removed: a.slice(p, a.length - s), added: b.slice(p, b.length - s) };
}

async function openEdit(key: string) {
  await page.click(`button[data-edit="${key}"]`);
  await page.locator('#form-title', { hasText: `Edit ${key}` }).waitFor();
  expect(await page.inputValue('input[name="key"]')).toBe(key); // the form is filled before the title is set
}

beforeAll(async () => {
  if (!available) return;
  as = await startAuthServer({
    scopes: ['api:read', 'api:write'],
    clients: [
      {
        client_id: 'browser-client',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api:read api:write',
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'credflow-browser-'));
  file = join(dir, 'credflow.yaml');
  await writeFile(file, CONFIG(as.tokenEndpoint));
  ui = await startUi({
    configPath: file,
    port: 0,
    secretProviders: [
      new EnvSecretProvider({
        env: {
          SECRET_BROWSER_SECRET: Buffer.from(SECRET).toString('base64'),
          SECRET_GCP_SA: Buffer.from('{"client_email":"sa@example.iam"}').toString('base64'),
          SECRET_WRONG_SECRET: Buffer.from('not-the-secret').toString('base64'),
        },
      }),
    ],
    logger: { warn: () => {} },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(ui.url);
  await page.locator('tr[data-key="existing"]').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await as?.close();
});

describe.skipIf(!available)('credflow ui in headless Chromium', () => {
  it('lists credentials with the absolute file path and, per secret reference, whether it resolves', async () => {
    expect(page.url()).not.toContain('key='); // the session key leaves the address bar
    expect(await page.locator('#file').innerText()).toBe(file);
    const chip = (key: string, secret: string) =>
      page.locator(`tr[data-key="${key}"] .secret-ref[data-secret="${secret}"]`).first();
    expect(await chip('existing', 'BROWSER_SECRET').getAttribute('data-status')).toBe('ok');
    expect(await chip('existing', 'BROWSER_SECRET').innerText()).toContain('✓');
    expect(await chip('gh', 'GH_APP_KEY').getAttribute('data-status')).toBe('missing');
    // GCP_SA exists but has no private_key or private_key_id subkey.
    expect(await page.locator('tr[data-key="gcp"] .secret-ref[data-status="missing"]').count()).toBe(2);
    expect(await page.locator('tr[data-key="gcp"] .secret-ref[data-status="ok"]').count()).toBe(1);
    expect(await page.locator('body').innerText()).not.toContain('sa@example.iam');
    await shot('ui-list.png');
  });

  it('opens and saves the Google jwt_bearer example without a change: the file stays byte-identical', async () => {
    const before = await readFile(file, 'utf8');
    await openEdit('gcp');
    expect(await page.locator('textarea[name="additionalClaims"]').inputValue()).toBe(
      '{ scope: "https://www.googleapis.com/auth/cloud-platform" }',
    );
    expect(await page.locator('select[name="algorithm"]').inputValue()).toBe(''); // default, not written in
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('edits one field: the file changes on that line only', async () => {
    const before = await readFile(file, 'utf8');
    await openEdit('existing');
    await page.locator('label[data-field="clientSecret"] .status[data-status="ok"]').waitFor();
    await shot('ui-edit.png');
    await page.fill('input[name="scopes"]', 'api:read api:write');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    const after = await readFile(file, 'utf8');
    expect(changed(before, after)).toEqual({
      removed: ['    scopes: [api:read]'],
      added: ['    scopes: [api:read, api:write]'],
    });
  });

  it('tests the full definition (untouched fields included): success, then the RFC 6749 error', async () => {
    await openEdit('existing');
    const before = as.mints;
    await page.click('#test');
    await page.locator('[data-outcome="success"]').waitFor({ timeout: 15_000 });
    const ok = await page.locator('#result').innerText();
    expect(ok).toContain('Bearer');
    expect(ok).toContain('api:read api:write');
    expect(ok).not.toContain(SECRET);
    expect(as.mints - before).toBe(1);
    await shot('ui-test-success.png');

    await page.fill('input[name="clientSecret.secret"]', 'WRONG_SECRET');
    await page.click('#test');
    await page.locator('[data-outcome="failure"]').waitFor({ timeout: 15_000 });
    const bad = await page.locator('#result').innerText();
    expect(bad).toContain('invalid_client');
    expect(bad).not.toContain('not-the-secret');
    await shot('ui-test-failure.png');
  });

  it('creates a credential in a new namespace of a new tenant, validating names as the config does', async () => {
    await page.click('#new');
    await page.fill('input[name="tenantId"]', 'acme');
    await page.fill('input[name="namespace"]', 'ops..jobs');
    expect(await page.locator('label:has(input[name="namespace"]) .field-error').innerText()).toContain(
      'dot-separated',
    );
    await page.fill('input[name="namespace"]', 'ops.jobs');
    expect(await page.locator('label:has(input[name="namespace"]) .hint').innerText()).toContain(
      "new namespace 'ops.jobs'",
    );
    await page.fill('input[name="key"]', 'browser_api');
    await page.selectOption('#type', 'client_credentials');
    await page.fill('input[name="tokenEndpoint"]', as.tokenEndpoint);
    await page.fill('input[name="clientId"]', 'browser-client');
    await page.fill('input[name="clientSecret.secret"]', 'BROWSER_SECRET');
    await page.locator('label[data-field="clientSecret"] .status[data-status="ok"]').waitFor();
    await page.fill('input[name="scopes"]', 'api:read');
    await page.click('#test');
    await page.locator('[data-outcome="success"]').waitFor({ timeout: 15_000 });
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    await page.locator('tr[data-key="browser_api"]').waitFor();
    const text = await readFile(file, 'utf8');
    expect(text).toContain(
      [
        'tenants:',
        '  acme:',
        '    namespaces:',
        '      ops.jobs:',
        '        credentials:',
        '          browser_api:',
        '            type: client_credentials',
        `            tokenEndpoint: ${as.tokenEndpoint}`,
        '            clientId: browser-client',
        '            clientSecret: { secret: BROWSER_SECRET }',
        '            scopes: [api:read]',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('clientAuthMethod'); // no defaults written in
  });

  it('renames a credential: only its key line changes, and the title follows', async () => {
    const before = await readFile(file, 'utf8');
    await openEdit('existing');
    await page.fill('input[name="key"]', 'renamed');
    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    await page.locator('tr[data-key="renamed"]').waitFor();
    expect(await page.locator('#form-title').innerText()).toBe('Edit renamed');
    expect(changed(before, await readFile(file, 'utf8'))).toEqual({
      removed: ['  existing:'],
      added: ['  renamed:'],
    });
  });

  it('holds its layout at 1280 and 1024 px with the form open', async () => {
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await openEdit('gcp');
      const problems = await page.evaluate(() => {
        const out: string[] = [];
        if (document.documentElement.scrollWidth > window.innerWidth) out.push('page scrolls sideways');
        for (const section of document.querySelectorAll('section')) {
          const box = section.getBoundingClientRect();
          for (const e of section.querySelectorAll('button, table, input, select, textarea, .secret-ref')) {
            const r = e.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.right > box.right + 0.5 || r.left < box.left - 0.5)
              out.push(`${e.tagName} ${e.textContent?.slice(0, 20)} sticks out of #${section.id}`);
            if (e instanceof HTMLButtonElement && e.scrollWidth > e.clientWidth + 1)
              out.push(`button '${e.textContent}' is cut`);
          }
        }
        // One line each: the cache cell, the key, the row's buttons; every cell as tall as its row.
        for (const e of document.querySelectorAll('td.cache, td.key strong')) {
          const text = document.createRange();
          text.selectNodeContents(e);
          if (text.getBoundingClientRect().height > 24) out.push(`wraps: ${e.textContent}`);
        }
        for (const row of document.querySelectorAll('tbody tr')) {
          const tops = [...row.querySelectorAll('button')].map((b) => Math.round(b.getBoundingClientRect().top));
          if (new Set(tops).size > 1) out.push(`buttons of ${row.getAttribute('data-key')} on two lines`);
          const heights = [...row.children].map((td) => Math.round(td.getBoundingClientRect().height));
          if (new Set(heights).size > 1) out.push(`cells of ${row.getAttribute('data-key')} of unequal heights`);
        }
        return out;
      });
      expect(problems, `at ${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('deletes from the page after a confirmation, keeping the rest of the file', async () => {
    const before = await readFile(file, 'utf8');
    await page.click('button[data-delete="renamed"]');
    await page.locator('#confirm[open]').waitFor();
    await page.click('#confirm-keep');
    expect(await readFile(file, 'utf8')).toBe(before);
    await page.click('button[data-delete="renamed"]');
    await page.click('#confirm-delete');
    await page.locator('tr[data-key="renamed"]').waitFor({ state: 'detached' });
    const after = await readFile(file, 'utf8');
    expect(changed(before, after).added).toEqual([]);
    expect(after).not.toContain('renamed:');
    expect(after).not.toContain('# the browser'); // its comment went with it
    expect(after.startsWith('# team credentials\nsecrets:\n  - type: env\n\ncredentials:\n  gcp:\n')).toBe(true);
  });

  it('shows each problem of an invalid credflow.yaml on its own line', async () => {
    const good = await readFile(file, 'utf8');
    await writeFile(
      file,
      'credentials:\n  a:\n    type: client_credentials\n    clientSecret: plain\n  b:\n    type: magic\n',
    );
    await page.reload();
    await page.locator('#notice li').first().waitFor();
    expect(await page.locator('#notice li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#notice').innerText()).toContain('line 4: credentials.a.clientSecret');
    await writeFile(file, good);
  });

  it('tells a wrong or expired session key apart from a missing one', async () => {
    const other = await browser.newPage();
    await other.goto(`${ui.origin}/?key=expired-key`);
    await other.locator('#notice').waitFor();
    expect(await other.locator('#notice').innerText()).toBe(
      'session key expired or wrong: open the URL printed by `credflow ui`',
    );
    const none = await browser.newPage();
    await none.goto(`${ui.origin}/`);
    await none.locator('#notice').waitFor();
    expect(await none.locator('#notice').innerText()).toContain('No session key');
    await other.close();
    await none.close();
    expect(pageErrors).toEqual([]);
  });
});
