// One token per credential, scope and minValidity within a render session,
// however many credentials the session has used (a few are looked up one by
// one, more through an index by key).
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { type LoopbackServer, sendJson, startLoopbackServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderSession, registerCredentials, render } from '../src/index.js';

let server: LoopbackServer;
let store: CredentialStore;
let mints = 0;

beforeAll(async () => {
  server = await startLoopbackServer((_q, res) => {
    mints++;
    sendJson(res, 200, { access_token: `minted-token-${mints}`, token_type: 'Bearer', expires_in: 3600 });
  });
  const nocache = `{ type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: c, clientSecret: { secret: S }, cache: { enabled: false } }`;
  store = CredentialStore.fromYaml(
    [
      'credentials:',
      ...Array.from({ length: 12 }, (_, i) => `  k${i}: ${nocache}`),
      'tenants:',
      '  acme:',
      '    credentials:',
      `      k0: ${nocache}`,
    ].join('\n'),
    { secretProviders: [new EnvSecretProvider({ env: { SECRET_S: Buffer.from('s3cret').toString('base64') } })] },
  );
});
afterAll(async () => {
  await server?.close();
});

const newEnv = () => registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });

describe('calls of one session', () => {
  it.each([2, 12])('share one token per key, scope and minValidity among %i credentials', async (count) => {
    const env = newEnv();
    const session = createRenderSession(env);
    const keys = Array.from({ length: count }, (_, i) => `k${i}`);
    const before = mints;
    const all = keys.map((k) => `<< credential('${k}') >>`).join(',');
    const first = await render(env, all, {}, { session, scope: { tenantId: 'main' } });
    expect(mints - before).toBe(count);
    // Every key again, in another render of the session, each twice: no mint.
    const again = await render(env, `${all}|${all}`, {}, { session, scope: { tenantId: 'main' } });
    expect(mints - before).toBe(count);
    expect(again.output).toBe(`${first.output}|${first.output}`);
    expect(new Set(first.output.split(',')).size).toBe(count);
    // Another scope or another minValidity is another call: minted apart.
    const acme = await render(env, "<< credential('k0') >>", {}, { session, scope: { tenantId: 'acme' } });
    const fresh = await render(env, "<< credential('k1', minValidity='PT1M') >>", {}, { session });
    expect(mints - before).toBe(count + 2);
    expect(acme.output).not.toBe(first.output.split(',')[0]);
    expect(fresh.output).not.toBe(first.output.split(',')[1]);
    const last = await render(
      env,
      "<< credential('k0') >>|<< credential('k1', minValidity='PT1M') >>",
      {},
      { session },
    );
    expect(last.output).toBe(`${first.output.split(',')[0]}|${fresh.output}`);
    expect(mints - before).toBe(count + 2);
    // The session reports each call once.
    expect(last.credentials).toHaveLength(count + 2);
    expect(last.credentials.filter((c) => c.key === 'k0').map((c) => c.tenantId)).toEqual(['main', 'acme']);
  });
});
