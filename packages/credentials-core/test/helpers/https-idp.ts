import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  certificateJwk,
  createTestCa,
  type HttpsAuthServer,
  selfSignedClientCertificate,
  startHttpsAuthServer,
  type TestCertificate,
  TOKEN_EXCHANGE_GRANT,
} from '@credflow/testkit';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { CredentialStore, type CredentialStoreOptions } from '../../src/store.js';

/**
 * oidc-provider over HTTPS on loopback with a test CA made here, and a client
 * for each of credflow's newer methods. Nothing is read from disk.
 */
export interface HttpsIdp {
  as: HttpsAuthServer;
  /** A client certificate issued by the server's CA (tls_client_auth). */
  pki: TestCertificate;
  /** A client certificate from another CA the server does not trust. */
  stranger: TestCertificate;
  /** A self-signed certificate registered for self_signed_tls_client_auth. */
  selfSigned: TestCertificate;
  /** Signing key (ES256) of the "Kubernetes" issuer whose JWTs token exchange accepts. */
  k8sKey: ReturnType<typeof generateKeyPairSync>['privateKey'];
  env: Record<string, string>;
  store(yaml: string, options?: CredentialStoreOptions): CredentialStore;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
export const SECRET_JWT_SECRET = `cs-jwt-${'s'.repeat(40)}-0123456789abcdefghijklmnopqrstuvwxyz`;
export const CC_SECRET = 'client-credentials-secret-0123456789';
export const K8S_ISSUER = 'https://kubernetes.default.svc';

const base = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' };

export async function startHttpsIdp(options: { openIdOnly?: boolean } = {}): Promise<HttpsIdp> {
  const ca = createTestCa();
  const pki = ca.issue({ commonName: 'credflow-mtls-client', usage: 'client' });
  const stranger = createTestCa('other CA').issue({ commonName: 'credflow-mtls-client', usage: 'client' });
  const selfSigned = selfSignedClientCertificate('credflow-self-signed');
  const k8s = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const as = await startHttpsAuthServer({
    ca,
    scopes: ['api:read'],
    ...(options.openIdOnly ? { openIdOnly: true } : {}),
    tokenExchange: {
      subjectJwtKey: String(createPublicKey(k8s.privateKey).export({ type: 'spki', format: 'pem' })),
      subjectJwtIssuer: K8S_ISSUER,
    },
    clients: [
      { client_id: 'basic-client', client_secret: CC_SECRET, ...base },
      ...(['HS256', 'HS384', 'HS512'] as const).map((alg) => ({
        client_id: `jwt-${alg}`,
        client_secret: SECRET_JWT_SECRET,
        token_endpoint_auth_method: 'client_secret_jwt',
        token_endpoint_auth_signing_alg: alg,
        ...base,
      })),
      {
        client_id: 'mtls-pki',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=credflow-mtls-client',
        tls_client_certificate_bound_access_tokens: true,
        ...base,
      },
      {
        client_id: 'mtls-self',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [certificateJwk(selfSigned.cert)] },
        tls_client_certificate_bound_access_tokens: true,
        ...base,
      },
      {
        client_id: 'exchanger',
        client_secret: CC_SECRET,
        ...base,
        grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
      },
      {
        client_id: 'exchanger-mtls',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=credflow-mtls-client',
        tls_client_certificate_bound_access_tokens: true,
        ...base,
        grant_types: [TOKEN_EXCHANGE_GRANT],
      },
      {
        client_id: 'public-exchanger',
        token_endpoint_auth_method: 'none',
        ...base,
        grant_types: [TOKEN_EXCHANGE_GRANT],
      },
    ] as never,
  });
  const env: Record<string, string> = {
    SECRET_TEST_CA: b64(as.ca.cert),
    SECRET_CC_SECRET: b64(CC_SECRET),
    SECRET_JWT_SECRET: b64(SECRET_JWT_SECRET),
    SECRET_PKI_CERT: b64(pki.cert),
    SECRET_PKI_KEY: b64(pki.key),
    SECRET_STRANGER_CERT: b64(stranger.cert),
    SECRET_STRANGER_KEY: b64(stranger.key),
    SECRET_SELF_CERT: b64(selfSigned.cert),
    SECRET_SELF_KEY: b64(selfSigned.key),
  };
  return {
    as,
    pki,
    stranger,
    selfSigned,
    k8sKey: k8s.privateKey,
    env,
    store: (yaml, storeOptions = {}) =>
      CredentialStore.fromYaml(`credentials:\n${yaml}`, {
        secretProviders: [new EnvSecretProvider({ env })],
        retry: { maxAttempts: 1 },
        logger: { warn: () => {} },
        ...storeOptions,
      }),
  };
}
