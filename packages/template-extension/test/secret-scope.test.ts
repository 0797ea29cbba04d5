import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, render } from '../src/index.js';

const MAIN_VALUE = 'tpl-main-secret-value-31337';
let dir: string;
let store: CredentialStore;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-secret-scope-'));
  // One file provider folder per scope, relative to the config.
  await mkdir(join(dir, 'acme'));
  await mkdir(join(dir, 'ns'));
  await writeFile(join(dir, 'acme', 'ACME_ONLY'), 'acme-file-value\n');
  await writeFile(join(dir, 'ns', 'NS_ONLY'), 'namespace-file-value\n');
  process.env.SECRET_TPL_MAIN = MAIN_VALUE;
  store = CredentialStore.fromYaml(
    `
secrets:
  - type: env
    encoding: plain
namespaces:
  a.b:
    secrets: [{ type: file, dir: ns }]
tenants:
  acme:
    secrets: [{ type: file, dir: acme }]
`,
    { baseDir: dir },
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  process.env = saved;
});

const out = async (src: string, scope: { tenantId?: string; namespace?: string }) =>
  (
    await render(
      registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store }),
      src,
      {},
      { scope },
    )
  ).output;

describe('secret() resolves through the flow scope the host gives (SPEC section 2)', () => {
  it("reads main's secret in main, never in acme, whatever the template does", async () => {
    expect(await out("<< secret('TPL_MAIN') >>", { tenantId: 'main' })).toBe(MAIN_VALUE);
    for (const src of [
      "<< secret('TPL_MAIN') >>",
      "<% set flow = { tenantId: 'main' } %><< secret('TPL_MAIN') >>",
      "<% set tenantId = 'main' %><< secret('TPL_MAIN') >>",
    ]) {
      const err = await out(src, { tenantId: 'acme' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_TEMPLATE', cause: { code: 'ERR_SECRET_NOT_FOUND' } });
      expect((err as Error).message).toContain("Scope: tenant 'acme'.");
      expect((err as Error).message).not.toContain(MAIN_VALUE);
    }
    expect(await out("<< secret('ACME_ONLY') >>", { tenantId: 'acme' })).toBe('acme-file-value');
    await expect(out("<< secret('ACME_ONLY') >>", { tenantId: 'main' })).rejects.toMatchObject({
      code: 'ERR_TEMPLATE',
      cause: { code: 'ERR_SECRET_NOT_FOUND' },
    });
  });

  it("sees a parent namespace's secrets, never a sibling's", async () => {
    expect(await out("<< secret('NS_ONLY') >>", { namespace: 'a.b' })).toBe('namespace-file-value');
    expect(await out("<< secret('NS_ONLY') >>", { namespace: 'a.b.c' })).toBe('namespace-file-value');
    expect(await out("<< secret('TPL_MAIN') >>", { namespace: 'a.b.c' })).toBe(MAIN_VALUE);
    for (const namespace of ['a.bc', 'a', 'a.c.b']) {
      await expect(out("<< secret('NS_ONLY') >>", { namespace })).rejects.toMatchObject({
        code: 'ERR_TEMPLATE',
        cause: { code: 'ERR_SECRET_NOT_FOUND' },
      });
    }
  });
});
