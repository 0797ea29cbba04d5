import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCredentialsClient, startAuthServer } from '@credflow/testkit';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubjectTokenError, type TokenEndpointError } from '../../src/errors.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore } from '../../src/store.js';
import { type HttpsIdp, K8S_ISSUER, startHttpsIdp } from '../helpers/https-idp.js';

let idp: HttpsIdp;
let dir: string;
beforeAll(async () => {
  idp = await startHttpsIdp();
  dir = await mkdtemp(join(tmpdir(), 'credflow-te-'));
});
afterAll(async () => {
  await idp?.as.close();
  await rm(dir, { recursive: true, force: true });
});

/** A service-account token as Kubernetes projects it: ES256, `iss` the cluster, `exp` as given. */
const k8sToken = (sub: string, expSeconds: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(K8S_ISSUER)
    .setSubject(sub)
    .setAudience(idp.as.issuer)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expSeconds)
    .sign(idp.k8sKey);

const exchange = (subject: string, extra = '') => `  sts:
    type: token_exchange
    issuer: ${idp.as.issuer}
    caCertificate: { secret: TEST_CA }
    clientId: exchanger
    clientSecret: { secret: CC_SECRET }
    ${subject}
    audience: https://api.example.com
    scopes: [api:read]
${extra}`;

describe('token exchange (RFC 8693) against oidc-provider over HTTPS', () => {
  it('exchanges a Kubernetes service-account token read from a file, re-reading it when it changes', async () => {
    const file = join(dir, 'token');
    await writeFile(file, `${await k8sToken('system:serviceaccount:ci:builder', 600)}\n`);
    const s = idp.store(exchange(`subjectToken: { file: ${file} }`, '    cache: { enabled: false }\n'));
    const token = await s.getToken('sts');
    expect(await idp.as.introspect(token)).toMatchObject({ active: true, client_id: 'exchanger', scope: 'api:read' });
    expect(idp.as.exchanges.at(-1)).toEqual({
      clientId: 'exchanger',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      subject: 'system:serviceaccount:ci:builder',
      audience: 'https://api.example.com',
    });
    await writeFile(file, await k8sToken('system:serviceaccount:ci:rotated', 600));
    await s.getToken('sts');
    expect(idp.as.exchanges.at(-1)?.subject).toBe('system:serviceaccount:ci:rotated');
  });

  it("exchanges another credential's live token (subjectCredential), resolved in the credential's own scope", async () => {
    const s = idp.store(`${exchange('subjectCredential: upstream')}  upstream:
    type: client_credentials
    tokenEndpoint: ${idp.as.tokenEndpoint}
    caCertificate: { secret: TEST_CA }
    clientId: basic-client
    clientSecret: { secret: CC_SECRET }
    scopes: [api:read]
`);
    const token = await s.getToken('sts');
    expect(await idp.as.introspect(token)).toMatchObject({ active: true, client_id: 'exchanger' });
    expect(idp.as.exchanges.at(-1)).toMatchObject({
      subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subject: 'basic-client',
    });
  });

  it('a public client (no client authentication) and an mTLS client with a certificate-bound result', async () => {
    const file = join(dir, 'token-public');
    await writeFile(file, await k8sToken('system:serviceaccount:ci:public', 600));
    const pub = idp.store(`  sts:
    type: token_exchange
    issuer: ${idp.as.issuer}
    caCertificate: { secret: TEST_CA }
    clientId: public-exchanger
    subjectToken: { file: ${file} }
`);
    expect((await idp.as.introspect(await pub.getToken('sts'))).active).toBe(true);
    const bound = idp.store(`  sts:
    type: token_exchange
    issuer: ${idp.as.issuer}
    caCertificate: { secret: TEST_CA }
    clientId: exchanger-mtls
    clientAuthMethod: tls_client_auth
    certificate: { secret: PKI_CERT }
    privateKey: { secret: PKI_KEY }
    subjectToken: { file: ${file} }
`);
    const info = await idp.as.introspect(await bound.getToken('sts'));
    expect(info).toMatchObject({ active: true, client_id: 'exchanger-mtls', cnf: { 'x5t#S256': idp.pki.thumbprint } });
  });

  it('refuses an expired subject token before any request, and the server refuses one it cannot verify', async () => {
    const file = join(dir, 'token-expired');
    await writeFile(file, await k8sToken('system:serviceaccount:ci:old', -60));
    const before = idp.as.exchanges.length;
    const err = await idp
      .store(exchange(`subjectToken: { file: ${file} }`))
      .getToken('sts')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubjectTokenError);
    expect((err as SubjectTokenError).code).toBe('ERR_SUBJECT_TOKEN_INVALID');
    expect((err as Error).message).toMatch(/subject token \(file .*token-expired\) is a JWT that expired at /);
    expect(idp.as.exchanges.length).toBe(before);

    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(K8S_ISSUER)
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    await writeFile(file, forged);
    const refused = (await idp
      .store(exchange(`subjectToken: { file: ${file} }`))
      .getToken('sts')
      .catch((e: unknown) => e)) as TokenEndpointError;
    expect(refused).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'invalid_grant' });
  });

  it('fails clearly against a server without the grant (unsupported_grant_type) and for a missing file', async () => {
    const plain = await startAuthServer({
      clients: [clientCredentialsClient('exchanger', 'x'.repeat(32))],
    });
    try {
      const s = CredentialStore.fromYaml(
        `credentials:
  sts:
    type: token_exchange
    tokenEndpoint: ${plain.tokenEndpoint}
    clientId: exchanger
    clientSecret: { secret: S }
    subjectToken: { secret: SUBJECT }
`,
        {
          secretProviders: [
            new EnvSecretProvider({
              env: {
                SECRET_S: Buffer.from('x'.repeat(32)).toString('base64'),
                SECRET_SUBJECT: Buffer.from('opaque-subject-token').toString('base64'),
              },
            }),
          ],
          retry: { maxAttempts: 1 },
        },
      );
      const err = (await s.getToken('sts').catch((e: unknown) => e)) as TokenEndpointError;
      expect(err).toMatchObject({ code: 'ERR_OAUTH_ERROR_RESPONSE', error: 'unsupported_grant_type' });
      expect(err.message).not.toContain('opaque-subject-token');
    } finally {
      await plain.close();
    }
    const missing = await idp
      .store(exchange(`subjectToken: { file: ${join(dir, 'nope')} }`))
      .getToken('sts')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SubjectTokenError);
    expect((missing as Error).message).toContain('cannot be opened (ENOENT)');
  });

  it('refuses a subjectCredential cycle instead of waiting forever', async () => {
    const s = idp.store(`${exchange('subjectCredential: b')}  b:
    type: token_exchange
    tokenEndpoint: ${idp.as.tokenEndpoint}
    caCertificate: { secret: TEST_CA }
    clientId: exchanger
    clientSecret: { secret: CC_SECRET }
    subjectCredential: sts
`);
    await expect(s.getToken('sts')).rejects.toThrow('subjectCredential cycle (sts -> b -> sts)');
  });

  it('reports the subject token as sensitive before it is sent', async () => {
    const file = join(dir, 'token-sensitive');
    const subject = await k8sToken('system:serviceaccount:ci:masked', 600);
    await writeFile(file, subject);
    const s = idp.store(exchange(`subjectToken: { file: ${file} }`));
    const sent: string[] = [];
    s.onSensitiveValue((v) => sent.push(v));
    await s.getToken('sts');
    expect(sent).toContain(subject);
  });
});
