// credential('k', minValidity='PT15M') (SPEC section 3): a token with less
// left is not handed to the template; against oidc-provider on loopback.
import { type Clock, CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, clientCredentialsClient, startAuthServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, render } from '../src/index.js';

const SECRET = 'min-validity-client-secret';
let as: AuthServer;

beforeAll(async () => {
  as = await startAuthServer({
    ttl: 3600,
    clients: [clientCredentialsClient('c', SECRET)],
  });
});
afterAll(async () => {
  await as?.close();
});

function setup() {
  const clock = { offset: 0, now: () => performance.now() + clock.offset, wallNow: () => Date.now() + clock.offset };
  const store = CredentialStore.fromYaml(
    `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: CLIENT } }\n`,
    {
      clock: clock satisfies Clock,
      secretProviders: [new EnvSecretProvider({ env: { SECRET_CLIENT: Buffer.from(SECRET).toString('base64') } })],
    },
  );
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
  const run = (src: string) => render(env, src, {}, { scope: { tenantId: 'main' } });
  return { clock, store, run };
}

describe("credential('k', minValidity=...)", () => {
  it('does not hand out a cached token with less life left; the render reports the token it used', async () => {
    const { clock, store, run } = setup();
    const first = await store.getToken('api');
    clock.offset = 3_000_000; // 600 s left
    expect((await run("<< credential('api', minValidity='PT5M') >>")).output).toBe(first);
    const r = await run("<< credential('api', minValidity='PT15M') >>");
    expect(r.output).not.toBe(first);
    expect(await as.introspect(r.output)).toMatchObject({ active: true });
    expect(r.credentials).toEqual([{ key: 'api', tenantId: 'main' }]);
    expect(r.credentials[0]?.token).toBe(r.output); // for the 401 path, kept out of JSON
    expect(JSON.stringify(r)).not.toContain(`"token"`);
    expect((await run("<< credential('api') >>")).output).toBe(r.output);
  });

  it('fails with a clear error when the server never issues tokens that long, or the duration is not one', async () => {
    const { run } = setup();
    await expect(run("<< credential('api', minValidity='PT2H') >>")).rejects.toThrow(
      /credential 'api': the new token is valid 3[56]\d\d s, less than the minValidity of 7200 s asked for/,
    );
    await expect(run("<< credential('api', minValidity='soon') >>")).rejects.toThrow(
      "credential 'api': minValidity must be a non-negative ISO-8601 duration such as PT15M, got another string",
    );
    await expect(run("<< credential('api', minValidity=900) >>")).rejects.toThrow(
      "minValidity must be an ISO-8601 duration string such as 'PT15M', got a number",
    );
    await expect(run("<< credential('api', maxValidity='PT1M') >>")).rejects.toThrow(/takes exactly one argument/);
  });
});
