// Stampede: concurrent renders of cold credentials; counts the token requests
// that reach a loopback token endpoint (answering after 20 ms, so requests overlap).
import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { registerCredentials, renderString } from '@credflow/template-extension';
import { readBody, sendJson, startLoopbackServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';

export async function stampede() {
  let requests = 0;
  const server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    await sleep(20);
    sendJson(res, 200, { access_token: `tok-${requests}-${'x'.repeat(40)}`, token_type: 'Bearer', expires_in: 3600 });
  });
  const secrets = [new EnvSecretProvider({ env: { SECRET_S: Buffer.from('s3cr3t-s3cr3t').toString('base64') } })];
  const cred = (k) =>
    `  ${k}: { type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: ${k}, clientSecret: { secret: S } }`;
  try {
    // 1. 10,000 concurrent renders of one cold credential.
    const one = CredentialStore.fromYaml(`credentials:\n${cred('k')}\n`, { secretProviders: secrets });
    const env1 = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store: one });
    let t = performance.now();
    await Promise.all(Array.from({ length: 10_000 }, () => renderString(env1, "Bearer << credential('k') >>")));
    const oneMs = performance.now() - t;
    const oneCount = requests;

    // 2. 1,000 credentials x 10 concurrent renders each.
    requests = 0;
    const keys = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const many = CredentialStore.fromYaml(`credentials:\n${keys.map(cred).join('\n')}\n`, { secretProviders: secrets });
    const env2 = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store: many });
    t = performance.now();
    await Promise.all(
      keys.flatMap((k) => Array.from({ length: 10 }, () => renderString(env2, 'Bearer << credential(k) >>', { k }))),
    );
    const manyMs = performance.now() - t;
    return { oneCount, oneMs, manyCount: requests, manyMs };
  } finally {
    await server.close();
  }
}
