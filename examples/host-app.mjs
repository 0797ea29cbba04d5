// A host app that embeds credflow: a small node:http server whose responses
// come from a nunjucks template using credential() and secret().
//
//   node examples/host-app.mjs           # starts, serves one request to itself, prints it masked, exits
//   node examples/host-app.mjs --serve   # keeps serving on 127.0.0.1 until Ctrl-C
//
// So that it runs anywhere, it starts a local authorization server
// (oidc-provider) to stand in for your identity provider. In your app you
// would load your own credflow.yaml with CredentialStore.fromFile().
import { createServer } from 'node:http';
import { CredentialStore, redact } from '@credflow/credentials-core';
import { registerCredentials, render } from '@credflow/template-extension';
import { startAuthServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';

const clientSecret = 'host-app-client-secret-0123456789';
process.env.SECRET_HOST_APP_SECRET = Buffer.from(clientSecret).toString('base64');

const idp = await startAuthServer({
  scopes: ['api:read'],
  clients: [
    {
      client_id: 'host-app',
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
  ],
});

// 1. The store: credentials defined once, secrets referenced from the environment.
const store = CredentialStore.fromYaml(`
credentials:
  my_oauth:
    type: client_credentials
    tokenEndpoint: ${idp.tokenEndpoint}
    clientId: host-app
    clientSecret: { secret: HOST_APP_SECRET }
    scopes: [api:read]
`);

// 2. Your own nunjucks environment, with credflow registered on it.
const env = new nunjucks.Environment(null, { autoescape: false });
registerCredentials(env, { store });

const template = `GET /v1/things
Authorization: Bearer << credential('my_oauth') >>
X-Tenant: << flow.tenantId >>
`;

// 3. Render per request; mask what credential() returned before logging.
const server = createServer(async (req, res) => {
  try {
    const { output, sensitiveValues } = await render(
      env,
      template,
      { flow: { tenantId: 'main' } },
      { name: 'request.njk' },
    );
    console.log(`[host-app] ${req.method} ${req.url} rendered:\n${redact(output, sensitiveValues)}`);
    const active = await idp.introspect(/Bearer (\S+)/.exec(output)?.[1] ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ tokenActive: active.active, scope: active.scope }));
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(err.message));
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

if (process.argv.includes('--serve')) {
  console.log(`[host-app] listening on ${url}`);
  process.on('SIGINT', () => {
    server.close();
    idp.close().then(() => process.exit(0));
  });
} else {
  const res = await fetch(url);
  console.log(`[host-app] response ${res.status}: ${await res.text()}`);
  server.close();
  await idp.close();
  process.exitCode = res.status === 200 ? 0 : 1;
}
