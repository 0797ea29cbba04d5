import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { type AuthServer, startAuthServer } from './auth-server.js';
import { type GitHubApiServer, startGitHubApiServer } from './github-api-server.js';
import { type GoogleTokenServer, startGoogleTokenServer } from './google-token-server.js';
import { type HttpsAuthServer, startHttpsAuthServer, TOKEN_EXCHANGE_GRANT } from './https-auth-server.js';
import { type MtlsProtectedApi, startMtlsProtectedApi } from './mtls-protected-api.js';
import { type ProtectedApi, startProtectedApi } from './protected-api.js';
import { createTestCa } from './test-ca.js';
import { startVaultServer, type VaultServer } from './vault-server.js';

export interface DemoEnvironment {
  auth: AuthServer;
  google: GoogleTokenServer;
  github: GitHubApiServer;
  api: ProtectedApi;
  /** oidc-provider over HTTPS (test CA): discovery, client_secret_jwt, mTLS, token exchange. */
  httpsAuth: HttpsAuthServer;
  /** An HTTPS API that checks certificate-bound tokens (RFC 8705). */
  mtlsApi: MtlsProtectedApi;
  /**
   * A Vault-API server (KV version 2, AppRole): the secret provider of
   * namespace `credflow.demo.secure`, holding the client secret of
   * `demo_vault` (and nothing else; that secret is in no environment variable).
   */
  vault: VaultServer;
  /** The test CA's certificate (PEM): what a client must trust to reach `httpsAuth` and `mtlsApi`. */
  caCertificate: string;
  /** A `credflow.yaml` for these servers. */
  configYaml: string;
  /** `SECRET_*` variables (base64) the config's secret references need, and the AppRole's `DEMO_VAULT_*`. */
  secretEnv: Record<string, string>;
  /** The plain secret values (the AppRole's ids and the secret in Vault among them), for leak scans. */
  secretValues: string[];
  close(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey'], type: 'pkcs8' | 'pkcs1') =>
  String(k.export({ type, format: 'pem' }));

/**
 * Everything the sample flows need, on loopback: a real oidc-provider
 * (client_credentials with client_secret_basic and private_key_jwt), a
 * Google-style token endpoint, a GitHub-style API, a protected API and a
 * Vault-API server holding one credential's client secret. Keys
 * and secrets are made fresh each time; nothing is written to disk.
 */
export async function startDemoEnvironment(options: { ttl?: number } = {}): Promise<DemoEnvironment> {
  const clientSecret = `demo-secret-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const apiKey = `demo-api-key-${Math.random().toString(36).slice(2)}`;
  // The client secret of demo_vault lives in Vault only; the AppRole that reads it is bootstrapped from env.
  const vaultClientSecret = `demo-vault-secret-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const vaultRoleId = `demo-role-${Math.random().toString(36).slice(2)}`;
  const vaultSecretId = `demo-secret-id-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const pkjwtKey = rsa();
  const googleKey = rsa();
  const githubKey = rsa();

  const client = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' };
  const auth = await startAuthServer({
    scopes: ['api:read'],
    ...(options.ttl ? { ttl: options.ttl } : {}),
    clients: [
      { client_id: 'demo-client', client_secret: clientSecret, ...client },
      { client_id: 'demo-team', client_secret: clientSecret, ...client },
      { client_id: 'demo-vault', client_secret: vaultClientSecret, ...client },
      {
        client_id: 'demo-pkjwt',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks: { keys: [{ ...(await exportJWK(createPublicKey(pkjwtKey))), alg: 'RS256', use: 'sig' }] },
        ...client,
      },
    ],
  });
  const saEmail = 'credflow-demo@demo-project.iam.gserviceaccount.com';
  const google = await startGoogleTokenServer({
    accounts: { [saEmail]: String(createPublicKey(googleKey).export({ type: 'spki', format: 'pem' })) },
  });
  const github = await startGitHubApiServer({
    appId: 4242,
    clientId: 'Iv23liCredflowDemo',
    publicKey: String(createPublicKey(githubKey).export({ type: 'spki', format: 'pem' })),
    installations: [
      {
        id: 1001,
        account: { login: 'credflow-demo', type: 'Organization' },
        permissions: { contents: 'read', metadata: 'read', issues: 'write' },
        repositories: ['widgets', 'gadgets'],
      },
    ],
  });
  const api = await startProtectedApi({ auth, google, github });
  // The newer methods, over HTTPS with a CA made now (nothing on disk).
  const ca = createTestCa('credflow demo CA');
  const mtlsCert = ca.issue({ commonName: 'credflow-demo-mtls', usage: 'client' });
  const hsSecret = `demo-hs-${Math.random().toString(36).slice(2)}-${'k'.repeat(40)}`;
  const base = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' };
  const httpsAuth = await startHttpsAuthServer({
    ca,
    scopes: ['api:read'],
    tokenExchange: {},
    clients: [
      { client_id: 'demo-hs', client_secret: hsSecret, token_endpoint_auth_method: 'client_secret_jwt', ...base },
      {
        client_id: 'demo-mtls',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=credflow-demo-mtls',
        tls_client_certificate_bound_access_tokens: true,
        ...base,
      },
      { client_id: 'demo-sts', client_secret: hsSecret, ...base, grant_types: [TOKEN_EXCHANGE_GRANT] },
    ] as never,
  });
  const mtlsApi = await startMtlsProtectedApi(httpsAuth);
  // Vault's AppRole policy lets the demo's role read secret/credflow/secure/* only.
  const vault = await startVaultServer({
    approles: { [vaultRoleId]: { secretId: vaultSecretId, paths: ['secret/data/credflow/secure/'] } },
  });
  vault.put('secret/credflow/secure/DEMO_VAULT_CLIENT_SECRET', { value: vaultClientSecret });
  const serviceAccount = JSON.stringify({
    type: 'service_account',
    project_id: 'demo-project',
    private_key_id: 'demo-key-1',
    private_key: pem(googleKey, 'pkcs8'),
    client_email: saEmail,
  });
  const secrets: Record<string, string> = {
    DEMO_CLIENT_SECRET: clientSecret,
    DEMO_PKJWT_KEY: pem(pkjwtKey, 'pkcs8'),
    GCP_SA: serviceAccount,
    GH_APP_KEY: pem(createPrivateKey(githubKey.export({ type: 'pkcs1', format: 'pem' })), 'pkcs1'),
    DEMO_API_KEY: apiKey,
    DEMO_CA: ca.cert,
    DEMO_HS_SECRET: hsSecret,
    DEMO_MTLS_CERT: mtlsCert.cert,
    DEMO_MTLS_KEY: mtlsCert.key,
  };
  const configYaml = `# credflow.yaml for the demo servers on loopback (written by the demo)
secrets:
  - type: env              # SECRET_<NAME>, base64

credentials:
  demo_oauth:
    type: client_credentials
    tokenEndpoint: ${auth.tokenEndpoint}
    clientId: demo-client
    clientSecret: { secret: DEMO_CLIENT_SECRET }
    scopes: [api:read]
  demo_oauth_nocache:
    type: client_credentials
    tokenEndpoint: ${auth.tokenEndpoint}
    clientId: demo-client
    clientSecret: { secret: DEMO_CLIENT_SECRET }
    scopes: [api:read]
    cache: { enabled: false }
  demo_pkjwt:
    type: private_key_jwt
    tokenEndpoint: ${auth.tokenEndpoint}
    clientId: demo-pkjwt
    privateKey: { secret: DEMO_PKJWT_KEY }
    algorithm: RS256
    scopes: [api:read]
  gcp:
    type: jwt_bearer
    tokenEndpoint: ${google.tokenEndpoint}
    issuer: { secret: GCP_SA, subkey: client_email }
    privateKey: { secret: GCP_SA, subkey: private_key }
    keyId: { secret: GCP_SA, subkey: private_key_id }
    additionalClaims: { scope: "https://www.googleapis.com/auth/cloud-platform" }
  gh:
    type: github_app
    baseUrl: ${github.url}
    appId: 4242
    privateKey: { secret: GH_APP_KEY }
    owner: credflow-demo
    repositories: [widgets]
    permissions: { contents: read }
  gh_client_id:                # the app's client id as JWT issuer (GitHub's recommendation)
    type: github_app
    baseUrl: ${github.url}
    clientId: Iv23liCredflowDemo
    privateKey: { secret: GH_APP_KEY }
    installationId: 1001
  demo_hs:                     # issuer discovery (RFC 8414 / OpenID) + client_secret_jwt (RFC 7523 2.2)
    type: client_credentials
    issuer: ${httpsAuth.issuer}
    caCertificate: { secret: DEMO_CA }
    clientId: demo-hs
    clientSecret: { secret: DEMO_HS_SECRET }
    clientAuthMethod: client_secret_jwt
    algorithm: HS256
    scopes: [api:read]
  demo_mtls:                   # mTLS client auth, certificate-bound tokens (RFC 8705)
    type: client_credentials
    issuer: ${httpsAuth.issuer}
    caCertificate: { secret: DEMO_CA }
    clientId: demo-mtls
    clientAuthMethod: tls_client_auth
    certificate: { secret: DEMO_MTLS_CERT }
    privateKey: { secret: DEMO_MTLS_KEY }
    scopes: [api:read]
  demo_sts:                    # token exchange (RFC 8693) of demo_hs's token
    type: token_exchange
    issuer: ${httpsAuth.issuer}
    caCertificate: { secret: DEMO_CA }
    clientId: demo-sts
    clientSecret: { secret: DEMO_HS_SECRET }
    subjectCredential: demo_hs
    audience: https://api.example.com
    scopes: [api:read]

namespaces:
  credflow.demo.secure:        # Vault (KV v2, AppRole) is asked first here, for this namespace and its children only
    secrets:
      - type: vault
        address: ${vault.url}
        path: credflow/secure    # NAME is read at secret/data/credflow/secure/NAME
        auth:
          method: approle
          roleId: { env: DEMO_VAULT_ROLE_ID }
          secretId: { env: DEMO_VAULT_SECRET_ID }
    credentials:
      demo_vault:
        type: client_credentials
        tokenEndpoint: ${auth.tokenEndpoint}
        clientId: demo-vault
        clientSecret: { secret: DEMO_VAULT_CLIENT_SECRET }   # in Vault only, in no environment variable
        scopes: [api:read]
  credflow.demo.team:          # visible to flows in this one namespace only
    credentials:
      team_oauth:
        type: client_credentials
        tokenEndpoint: ${auth.tokenEndpoint}
        clientId: demo-team
        clientSecret: { secret: DEMO_CLIENT_SECRET }
        clientAuthMethod: client_secret_post

tenants:
  acme:                        # a second tenant, with secrets of its own (ACME_SECRET_*)
    secrets:
      - type: env
        prefix: ACME_SECRET_
    credentials:
      demo_oauth:
        type: client_credentials
        tokenEndpoint: ${auth.tokenEndpoint}
        clientId: demo-team
        clientSecret: { secret: DEMO_CLIENT_SECRET }
`;
  return {
    auth,
    google,
    github,
    api,
    httpsAuth,
    mtlsApi,
    vault,
    caCertificate: ca.cert,
    configYaml,
    secretEnv: {
      ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`SECRET_${k}`, b64(v)])),
      // Tenant acme's own provider (ACME_SECRET_*): only what acme's credentials need.
      ACME_SECRET_DEMO_CLIENT_SECRET: b64(secrets.DEMO_CLIENT_SECRET as string),
      // Vault's AppRole: the provider's own bootstrap values ({ env: NAME }), plain as Vault gives them.
      DEMO_VAULT_ROLE_ID: vaultRoleId,
      DEMO_VAULT_SECRET_ID: vaultSecretId,
    },
    secretValues: [...Object.values(secrets), vaultClientSecret, vaultRoleId, vaultSecretId],
    close: async () => {
      await Promise.all([api.close(), auth.close(), google.close(), github.close(), mtlsApi.close(), vault.close()]);
      await httpsAuth.close();
    },
  };
}
