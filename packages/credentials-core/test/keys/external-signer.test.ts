import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { startAuthServer, startGitHubApiServer } from '@credflow/testkit';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignerError } from '../../src/errors.js';
import type { ExternalSigner } from '../../src/keys/external-signer.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';

// The "KMS": keys that never leave these closures; credflow only sees signatures.
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const calls: string[] = [];
const kmsEs256: ExternalSigner = {
  algorithm: 'ES256',
  keyId: 'kms-ec-1',
  // node:crypto returns DER for ECDSA, as AWS KMS does: credflow converts it to JOSE's R || S.
  sign: async (input, { credential }) => {
    calls.push(credential);
    return sign('sha256', input, ec.privateKey);
  },
};
const kmsRs256: ExternalSigner = { algorithm: 'RS256', sign: async (input) => sign('sha256', input, rsa.privateKey) };
const broken: ExternalSigner = {
  algorithm: 'RS256',
  sign: async () => {
    throw new Error('KMS said AccessDenied for arn:aws:kms:secret-looking-detail');
  },
};

let as: Awaited<ReturnType<typeof startAuthServer>>;
let gh: Awaited<ReturnType<typeof startGitHubApiServer>>;
beforeAll(async () => {
  as = await startAuthServer({
    scopes: ['api:read'],
    clients: [
      {
        client_id: 'kms-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [{ ...(await exportJWK(createPublicKey(ec.privateKey))), alg: 'ES256', kid: 'kms-ec-1' }] },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api:read',
      },
    ],
  });
  gh = await startGitHubApiServer({
    appId: 777,
    clientId: 'Iv23liCredflowDemo',
    publicKey: String(createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' })),
    installations: [
      {
        id: 55,
        account: { login: 'acme', type: 'Organization' },
        permissions: { contents: 'read' },
        repositories: ['w'],
      },
    ],
  });
});
afterAll(() => Promise.all([as?.close(), gh?.close()]));

const store = (
  yaml: string,
  signers: Record<string, ExternalSigner> = { kms: kmsEs256, 'kms-rsa': kmsRs256, broken },
) =>
  CredentialStore.fromYaml(`credentials:\n${yaml}`, {
    secretProviders: [new EnvSecretProvider({ env: {} })],
    signers,
    retry: { maxAttempts: 1 },
  });

describe('external signers (KMS/HSM): no private key in credflow', () => {
  it('private_key_jwt signed by the host signer (DER ECDSA converted): the token introspects as active', async () => {
    const s = store(`  k:
    type: private_key_jwt
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: kms-client
    signer: kms
    scopes: [api:read]
`);
    const token = await s.getToken('k');
    expect(await as.introspect(token)).toMatchObject({ active: true, clientId: 'kms-client' });
    expect(calls).toContain('k');
  });

  it('the GitHub App JWT signed by the host signer, with the client id as issuer (GitHub recommends it)', async () => {
    const s = store(`  gh:
    type: github_app
    baseUrl: ${gh.url}
    clientId: Iv23liCredflowDemo
    signer: kms-rsa
    installationId: 55
`);
    const token = await s.getToken('gh');
    expect(token).toMatch(/^ghs_/);
    expect(gh.mints).toBe(1);
  });

  it('a GitHub App clientId with a private key works too, and a wrong clientId is a 401 naming it', async () => {
    const env = {
      SECRET_GH: Buffer.from(String(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }))).toString('base64'),
    };
    const mk = (clientId: string) =>
      CredentialStore.fromYaml(
        `credentials:\n  gh:\n    type: github_app\n    baseUrl: ${gh.url}\n    clientId: ${clientId}\n    privateKey: { secret: GH }\n    installationId: 55\n`,
        { secretProviders: [new EnvSecretProvider({ env })], retry: { maxAttempts: 1 } },
      );
    expect(await mk('Iv23liCredflowDemo').getToken('gh')).toMatch(/^ghs_/);
    await expect(mk('Iv23liSomeoneElse').getToken('gh')).rejects.toThrow(/HTTP 401.*check clientId Iv23liSomeoneElse/);
  });

  it('an unregistered signer, a failing one and a GitHub signer that is not RS256 are SignerErrors that quote nothing', async () => {
    const def = (signer: string) => `  k:
    type: private_key_jwt
    tokenEndpoint: ${as.tokenEndpoint}
    clientId: kms-client
    signer: ${signer}
`;
    const missing = await store(def('nope'))
      .getToken('k')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SignerError);
    expect((missing as Error).message).toBe(
      "credential 'k': signer 'nope' is not registered with the store (CredentialStore option `signers`)",
    );
    const failed = (await store(def('broken'))
      .getToken('k')
      .catch((e: unknown) => e)) as SignerError;
    expect(failed.code).toBe('ERR_SIGNER_FAILED');
    expect(failed.message).toBe("credential 'k': signer 'broken' failed: Error");
    const ghEc = await store(`  gh:
    type: github_app
    baseUrl: ${gh.url}
    appId: 777
    signer: kms
    installationId: 55
`)
      .getToken('gh')
      .catch((e: unknown) => e);
    expect((ghEc as Error).message).toContain("signer 'kms' signs ES256, but GitHub App JWTs are RS256");
  });

  it('refuses privateKey and signer together, and neither, at load', () => {
    expect(() =>
      store(
        `  k:\n    type: private_key_jwt\n    tokenEndpoint: ${as.tokenEndpoint}\n    clientId: c\n    signer: kms\n    privateKey: { secret: K }\n`,
      ),
    ).toThrow(/credentials\.k\.signer: set privateKey or signer, not both/);
    expect(() => store(`  k:\n    type: jwt_bearer\n    tokenEndpoint: ${as.tokenEndpoint}\n    issuer: me\n`)).toThrow(
      /credentials\.k\.privateKey: is required \(or signer/,
    );
  });
});
