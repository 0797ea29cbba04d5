import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { type AuthServer, startAuthServer } from './auth-server.js';
import { type GitHubApiServer, startGitHubApiServer } from './github-api-server.js';
import { type GoogleTokenServer, startGoogleTokenServer } from './google-token-server.js';
import { type ProtectedApi, startProtectedApi } from './protected-api.js';

export interface DemoEnvironment {
  auth: AuthServer;
  google: GoogleTokenServer;
  github: GitHubApiServer;
  api: ProtectedApi;
  /** A `credflow.yaml` for these servers. */
  configYaml: string;
  /** `SECRET_*` variables (base64) the config's secret references need. */
  secretEnv: Record<string, string>;
  /** The plain secret values, for leak scans. */
  secretValues: string[];
  close(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey'], type: 'pkcs8' | 'pkcs1') =>
  String(k.export({ type, format: 'pem' }));

/**
 * Everything the sample flows need, on loopback: a real oidc-provider
 * (client_credentials with client_secret_basic and private_key_jwt), a
 * Google-style token endpoint, a GitHub-style API and a protected API. Keys
 * and secrets are made fresh each time; nothing is written to disk.
 */
export async function startDemoEnvironment(options: { ttl?: number } = {}): Promise<DemoEnvironment> {
  const clientSecret = `demo-secret-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const apiKey = `demo-api-key-${Math.random().toString(36).slice(2)}`;
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

namespaces:
  credflow.demo.team:          # visible to flows in this one namespace only
    credentials:
      team_oauth:
        type: client_credentials
        tokenEndpoint: ${auth.tokenEndpoint}
        clientId: demo-team
        clientSecret: { secret: DEMO_CLIENT_SECRET }
        clientAuthMethod: client_secret_post

tenants:
  acme:
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
    configYaml,
    secretEnv: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`SECRET_${k}`, b64(v)])),
    secretValues: Object.values(secrets),
    close: async () => {
      await Promise.all([api.close(), auth.close(), google.close(), github.close()]);
    },
  };
}
