import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import {
  createTestCa,
  type HttpsAuthServer,
  type MtlsProtectedApi,
  startHttpsAuthServer,
  startMtlsProtectedApi,
  type TestCertificate,
} from '@credflow/testkit';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let as: HttpsAuthServer;
let api: MtlsProtectedApi;
let client: TestCertificate;
let env: Record<string, string>;
beforeAll(async () => {
  const ca = createTestCa();
  client = ca.issue({ commonName: 'flow-client', usage: 'client' });
  as = await startHttpsAuthServer({
    ca,
    scopes: ['api:read'],
    clients: [
      {
        client_id: 'flow-mtls',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=flow-client',
        tls_client_certificate_bound_access_tokens: true,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api:read',
      } as never,
    ],
  });
  api = await startMtlsProtectedApi(as);
  env = { SECRET_CA: b64(ca.cert), SECRET_CERT: b64(client.cert), SECRET_KEY: b64(client.key) };
});
afterAll(() => Promise.all([api?.close(), as?.close()]));

const config = () => `credentials:
  bound:
    type: client_credentials
    issuer: ${as.issuer}
    caCertificate: { secret: CA }
    clientId: flow-mtls
    clientAuthMethod: tls_client_auth
    certificate: { secret: CERT }
    privateKey: { secret: KEY }
    scopes: [api:read]
namespaces:
  other.team:
    credentials: {}
`;

const flow = (namespace: string, mtls: string) =>
  parseFlow(`id: bound_call
namespace: ${namespace}
tasks:
  - id: ping
    type: io.kestra.plugin.core.http.Request
    uri: ${api.url}/api/mtls/ping
    options:
      allowFailed: true
    auth:
      type: BEARER
      token: "<< credential('bound') >>"
${mtls}
`);

const run = async (namespace: string, mtls: string) => {
  const store = CredentialStore.fromYaml(config(), { secretProviders: [new EnvSecretProvider({ env })] });
  const e = await runFlow(flow(namespace, mtls), { store });
  return e.taskRuns[0];
};

describe('Request task auth.mtls: certificate-bound tokens (RFC 8705 section 3)', () => {
  it('presents the credential certificate: the API accepts the bound token', async () => {
    const t = await run('company.team', '      mtls: bound');
    expect(t?.state).toBe('SUCCESS');
    expect(t?.outputs.code).toBe(200);
    expect(JSON.parse(String(t?.outputs.body))).toEqual({ ok: true, client: 'flow-mtls', bound: true });
  });

  it('without the certificate the same bound token is refused (401): it is useless alone', async () => {
    const store = CredentialStore.fromYaml(config(), { secretProviders: [new EnvSecretProvider({ env })] });
    const token = await store.getToken('bound');
    const trustOnly = new Agent({ connect: { ca: Buffer.from(env.SECRET_CA ?? '', 'base64').toString() } });
    const res = await request(`${api.url}/api/mtls/ping`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: trustOnly,
    });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toMatchObject({ why: 'certificate-bound token without its certificate' });
    await trustOnly.close();
  });

  it('names a credential without a certificate, and never another scope', async () => {
    const t = await run('company.team', '      mtls: missing_key');
    expect(t?.state).toBe('FAILED');
    expect(t?.error).toContain("Cannot find credential 'missing_key'");
  });
});
