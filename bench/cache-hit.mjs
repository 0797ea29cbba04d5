// Cache hit: CredentialStore.getToken on a warm cache, against @octokit/auth-app's
// cached installation auth() and against the physical floor (a Map.get and an
// expiry check behind an async function, since getToken returns a promise).
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { startGitHubApiServer } from '@credflow/testkit';
import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import { Bench } from 'tinybench';

export async function cacheHitBench() {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const pem = String(key.export({ type: 'pkcs8', format: 'pem' }));
  const gh = await startGitHubApiServer({
    appId: 1,
    publicKey: String(createPublicKey(key).export({ type: 'spki', format: 'pem' })),
    installations: [
      { id: 7, account: { login: 'o', type: 'Organization' }, permissions: { contents: 'read' }, repositories: ['r'] },
    ],
  });
  try {
    const store = CredentialStore.fromYaml(
      `credentials:\n  gh: { type: github_app, baseUrl: "${gh.url}", appId: 1, privateKey: { secret: K }, installationId: 7 }\n`,
      { secretProviders: [new EnvSecretProvider({ env: { SECRET_K: Buffer.from(pem).toString('base64') } })] },
    );
    const scope = { tenantId: 'main', namespace: 'company.team' };
    await store.getToken('gh', scope);
    const octokit = createAppAuth({ appId: 1, privateKey: pem, request: request.defaults({ baseUrl: gh.url }) });
    await octokit({ type: 'installation', installationId: 7 });
    const map = new Map([
      ['main\u0000company.team\u0000gh', { token: 'ghs_x', expiresAt: performance.now() + 3_600_000 }],
    ]);
    const floorAsync = async (k) => {
      const e = map.get(k);
      return e !== undefined && performance.now() < e.expiresAt ? e.token : undefined;
    };
    const floorSync = (k) => {
      const e = map.get(k);
      return e !== undefined && performance.now() < e.expiresAt ? e.token : undefined;
    };
    const mintsBefore = gh.mints;
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench
      .add('floor: async Map.get + expiry check', () => floorAsync('main\u0000company.team\u0000gh'))
      .add('credflow: store.getToken (warm cache)', () => store.getToken('gh', scope))
      .add("octokit: auth({ type: 'installation' }) (cached)", () =>
        octokit({ type: 'installation', installationId: 7 }),
      )
      .add('(info) sync Map.get + expiry check', () => floorSync('main\u0000company.team\u0000gh'));
    await bench.run();
    if (gh.mints !== mintsBefore) throw new Error('a cache-hit benchmark minted a token');
    return { bench };
  } finally {
    await gh.close();
  }
}
