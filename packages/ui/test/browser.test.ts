import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, startAuthServer } from '@credflow/testkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiServer } from '../src/server/index.js';

// Debian's chromium; .ci/run installs it. Without it (a bare dev machine) the test is skipped, never in CI.
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

const SECRET = 'browser-client-secret-0123456789';
let as: AuthServer;
let ui: UiServer;
let browser: Browser;
let file: string;

beforeAll(async () => {
  if (!available) return;
  as = await startAuthServer({
    scopes: ['api:read'],
    clients: [
      {
        client_id: 'browser-client',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api:read',
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'credflow-browser-'));
  file = join(dir, 'credflow.yaml');
  await writeFile(
    file,
    `# team credentials\nsecrets:\n  - type: env\ncredentials:\n  existing:\n    type: client_credentials\n    tokenEndpoint: ${as.tokenEndpoint}\n    clientId: browser-client\n    clientSecret: { secret: BROWSER_SECRET }\n`,
  );
  ui = await startUi({
    configPath: file,
    port: 0,
    secretProviders: [
      new EnvSecretProvider({
        env: { SECRET_BROWSER_SECRET: Buffer.from(SECRET).toString('base64'), SECRET_GCP_SA: 'e30=' },
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await as?.close();
});

describe.skipIf(!available)('credflow ui in headless Chromium', () => {
  it('fills a client_credentials form, tests the connection, saves, and the credential is in the file', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(ui.url);
    await page.locator('tr[data-key="existing"]').waitFor();
    expect(page.url()).not.toContain('key='); // the session key leaves the address bar

    await page.click('#new');
    await page.fill('input[name="key"]', 'browser_api');
    await page.selectOption('#type', 'client_credentials');
    await page.fill('input[name="tokenEndpoint"]', as.tokenEndpoint);
    await page.fill('input[name="clientId"]', 'browser-client');
    await page.fill('input[name="clientSecret.secret"]', 'BROWSER_SECRET');
    await page.fill('input[name="scopes"]', 'api:read');
    const before = as.mints;
    await page.click('#test');
    await page.locator('[data-outcome="success"]').waitFor({ timeout: 15_000 });
    const result = await page.locator('#result').innerText();
    expect(result).toContain('Bearer');
    expect(result).toContain('3600 s');
    expect(result).toContain('api:read');
    expect(result).not.toContain(SECRET);
    expect(as.mints - before).toBe(1);

    if (process.env.CREDFLOW_SCREENSHOT) {
      const docs = new URL('../../../docs/', import.meta.url).pathname;
      await mkdir(docs, { recursive: true });
      await page.screenshot({ path: join(docs, 'ui.png') });
    }

    await page.click('#save');
    await page.locator('[data-outcome="saved"]').waitFor();
    await page.locator('tr[data-key="browser_api"]').waitFor();
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# team credentials');
    expect(text).toMatch(
      /browser_api:\n\s+type: client_credentials\n\s+tokenEndpoint: http:\/\/127\.0\.0\.1:\d+\/token\n\s+clientId: browser-client\n\s+clientSecret:\n\s+secret: BROWSER_SECRET/,
    );
    expect(text).not.toContain(SECRET);

    // A failing test shows the RFC 6749 error.
    await page.fill('input[name="clientSecret.secret"]', 'GCP_SA');
    await page.click('#test');
    await page.locator('[data-outcome="failure"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#result').innerText()).toContain('invalid_client');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
