// `pnpm demo`: starts a real OAuth 2.0 authorization server (oidc-provider) on
// loopback, defines a client_credentials credential whose secret comes from
// the environment, and shows the token lifecycle: mint, cache hit, test.
// Nothing leaves 127.0.0.1 and no token is printed.
import { CredentialStore, EnvSecretProvider, MASK } from '@credflow/credentials-core';
import { startAuthServer } from '@credflow/testkit';

const secret = 'demo-client-secret-0123456789';
const as = await startAuthServer({
  scopes: ['api:read'],
  clients: [
    {
      client_id: 'demo-client',
      client_secret: secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
  ],
});

try {
  const yaml = `
credentials:
  my_oauth:
    type: client_credentials
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: demo-client
    clientSecret: { secret: DEMO_CLIENT_SECRET }
    scopes: [api:read]
`;
  console.log(`authorization server (oidc-provider) on ${as.issuer}\ncredflow.yaml:${yaml}`);
  const store = CredentialStore.fromYaml(yaml, {
    secretProviders: [
      new EnvSecretProvider({ env: { SECRET_DEMO_CLIENT_SECRET: Buffer.from(secret).toString('base64') } }),
    ],
  });

  let t = performance.now();
  const token = await store.getToken('my_oauth');
  console.log(
    `getToken('my_oauth')  -> ${MASK} (${token.length} chars) in ${(performance.now() - t).toFixed(1)} ms, minted`,
  );
  t = performance.now();
  await store.getToken('my_oauth');
  console.log(`getToken('my_oauth')  -> ${MASK} in ${(performance.now() - t).toFixed(3)} ms, cache hit`);
  const active = await as.introspect(token);
  console.log(`introspection         -> active=${active.active} client=${active.clientId} scope=${active.scope}`);
  const info = await store.test('my_oauth');
  console.log("test('my_oauth')      ->", info);
  console.log(`token requests made: ${as.mints}`);
} finally {
  await as.close();
}
