import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type GitHubApiServer, startGitHubApiServer, startLoopbackServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/load-config.js';
import { EnvSecretProvider } from '../../../src/secrets/env-provider.js';
import { CredentialStore } from '../../../src/store.js';
import { tokenFailure as failure } from '../../helpers/token-failure.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/keys/${name}`, import.meta.url), 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const APP_ID = 12345;
const otherKey = String(
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
);
const env = {
  SECRET_GH_KEY: b64(fixture('rsa-pkcs1.pem')),
  SECRET_GH_KEY_PKCS8: b64(fixture('rsa-pkcs8.pem')),
  SECRET_OTHER_KEY: b64(otherKey),
};

let gh: GitHubApiServer;
beforeAll(async () => {
  gh = await startGitHubApiServer({
    appId: APP_ID,
    publicKey: createPublicKey(fixture('rsa-pkcs8.pem')).export({ type: 'spki', format: 'pem' }).toString(),
    installations: [
      {
        id: 987,
        account: { login: 'my-org', type: 'Organization' },
        permissions: { contents: 'write', issues: 'read', metadata: 'read' },
        repositories: ['widgets', 'gadgets'],
      },
      {
        id: 555,
        account: { login: 'octocat', type: 'User' },
        permissions: { contents: 'read' },
        repositories: ['hello'],
      },
    ],
  });
});
afterAll(() => gh?.close());

function store(fields: string) {
  return CredentialStore.fromYaml(`credentials:\n  gh:\n    type: github_app\n    baseUrl: ${gh.url}\n${fields}`, {
    secretProviders: [new EnvSecretProvider({ env })],
    logger: { warn: () => {} },
    retry: { baseDelayMs: 10 },
  });
}

async function protectedCall(token: string) {
  const res = await fetch(`${gh.url}/installation/repositories`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { repositories?: { name: string }[] } };
}

describe('github_app against a GitHub-style API server', () => {
  it('mints an installation token that the protected endpoint accepts (PKCS#1 key)', async () => {
    const s = store(`    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    installationId: 987\n`);
    const at = await s.getAccessToken('gh');
    expect(at.token).toMatch(/^ghs_/);
    expect(at.token.length).toBeGreaterThan(40);
    expect(at.expiresIn).toBeGreaterThan(3590);
    expect(at.expiresIn).toBeLessThanOrEqual(3600);
    expect(at.scopes).toEqual(['contents:write', 'issues:read', 'metadata:read']);
    const res = await protectedCall(at.token);
    expect(res.status).toBe(200);
    expect(res.body.repositories?.map((r) => r.name)).toEqual(['widgets', 'gadgets']);
  });

  it('works with a PKCS#8 key and an app id given as a string', async () => {
    const s = store(`    appId: "${APP_ID}"\n    privateKey: { secret: GH_KEY_PKCS8 }\n    installationId: 987\n`);
    expect((await protectedCall(await s.getToken('gh'))).status).toBe(200);
  });

  it('looks the installation up by owner (organisation, then user) and keeps the id', async () => {
    const org = store(`    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    owner: my-org\n`);
    const before = gh.lookups.length;
    await org.test('gh');
    await org.test('gh');
    expect(gh.lookups.slice(before)).toEqual(['/orgs/my-org/installation']);
    expect(gh.tokenRequests.at(-1)?.installationId).toBe(987);
    const user = store(`    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    owner: octocat\n`);
    const token = await user.getToken('gh');
    expect(gh.lookups.slice(-2)).toEqual(['/orgs/octocat/installation', '/users/octocat/installation']);
    expect((await protectedCall(token)).body.repositories?.map((r) => r.name)).toEqual(['hello']);
  });

  it('sends the narrowing fields to the server', async () => {
    const s = store(
      `    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    installationId: 987\n    repositories: [widgets]\n    permissions: { contents: read }\n`,
    );
    const at = await s.getAccessToken('gh');
    expect(gh.tokenRequests.at(-1)).toEqual({
      installationId: 987,
      body: { repositories: ['widgets'], permissions: { contents: 'read' } },
    });
    expect(at.scopes).toEqual(['contents:read']);
    expect((await protectedCall(at.token)).body.repositories?.map((r) => r.name)).toEqual(['widgets']);
  });

  it('gives a clear 401 error for a wrong key', async () => {
    const err = await failure(
      store(`    appId: ${APP_ID}\n    privateKey: { secret: OTHER_KEY }\n    installationId: 987\n`).getToken('gh'),
    );
    expect(err).toMatchObject({ code: 'ERR_TOKEN_HTTP_STATUS', status: 401 });
    expect(err.message).toContain(
      `GitHub rejected the app's credentials (HTTP 401: A JSON web token could not be decoded): check appId ${APP_ID} and that privateKey is that app's key`,
    );
    expect(err.message).not.toContain(otherKey.split('\n')[1]);
  });

  it('gives a clear 401 error for a wrong app id', async () => {
    const err = await failure(
      store('    appId: 999\n    privateKey: { secret: GH_KEY }\n    installationId: 987\n').getToken('gh'),
    );
    expect(err.status).toBe(401);
    expect(err.message).toContain('check appId 999');
  });

  it('gives clear 404 errors for an unknown installation or owner', async () => {
    const unknown = await failure(
      store(`    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    installationId: 1\n`).getToken('gh'),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.message).toContain(`GitHub App ${APP_ID} has no installation 1 (HTTP 404: Not Found)`);
    const owner = await failure(
      store(`    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    owner: nobody\n`).getToken('gh'),
    );
    expect(owner.message).toContain(`GitHub App ${APP_ID} has no installation for owner 'nobody' (HTTP 404)`);
  });

  it('gives a clear 422 error for permissions or repositories the app lacks', async () => {
    const perms = await failure(
      store(
        `    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    installationId: 987\n    permissions: { issues: write }\n`,
      ).getToken('gh'),
    );
    expect(perms.status).toBe(422);
    expect(perms.message).toContain(
      'GitHub refused the narrowed token (HTTP 422: The permissions requested are not granted to this installation.)',
    );
    const repos = await failure(
      store(
        `    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    installationId: 987\n    repositories: [secret-repo]\n`,
      ).getToken('gh'),
    );
    expect(repos.status).toBe(422);
  });

  it('mints once for 500 concurrent calls', async () => {
    const s = store(`    appId: ${APP_ID}\n    privateKey: { secret: GH_KEY }\n    installationId: 987\n`);
    const before = gh.mints;
    const tokens = await Promise.all(Array.from({ length: 500 }, () => s.getToken('gh')));
    expect(gh.mints - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('reports an unreachable GitHub as a network error after retrying', async () => {
    const down = await startLoopbackServer(() => {});
    await down.close();
    const s = CredentialStore.fromYaml(
      `credentials:\n  gh: { type: github_app, baseUrl: "${down.url}", appId: 1, privateKey: { secret: GH_KEY }, installationId: 2 }\n`,
      { secretProviders: [new EnvSecretProvider({ env })], logger: { warn: () => {} }, retry: { baseDelayMs: 10 } },
    );
    const err = await failure(s.getToken('gh'));
    expect(err.code).toBe('ERR_TOKEN_NETWORK');
    expect(err.message).toContain('after 3 attempts');
  });
});

describe('github_app config', () => {
  const issues = (fields: string) => {
    try {
      parseConfig(`credentials:\n  gh:\n    type: github_app\n${fields}`);
    } catch (e) {
      return (e as { issues: { path: string; message: string }[] }).issues;
    }
    return [];
  };
  it('needs exactly one of installationId and owner, a numeric app id and a key reference', () => {
    expect(issues('    appId: 1\n    privateKey: { secret: K }\n')).toEqual([
      {
        path: 'credentials.gh.installationId',
        line: 3,
        message: 'set installationId, or owner to look the installation up',
      },
    ]);
    expect(
      issues('    appId: 1\n    privateKey: { secret: K }\n    installationId: 2\n    owner: x\n')[0]?.message,
    ).toBe('set installationId or owner, not both');
    expect(issues('    appId: my-app\n    privateKey: { secret: K }\n    installationId: 2\n')[0]?.path).toBe(
      'credentials.gh.appId',
    );
    expect(
      issues(
        '    appId: 1\n    privateKey: { secret: K }\n    installationId: 2\n    permissions: { contents: all }\n',
      )[0]?.path,
    ).toBe('credentials.gh.permissions.contents');
    expect(issues('    appId: 1\n    privateKey: { secret: K }\n    installationId: 2\n').length).toBe(0);
  });
});
