export { type AuthServer, type AuthServerOptions, startAuthServer } from './auth-server.js';
export {
  type AwsSecretsManagerServer,
  type AwsSecretsManagerServerOptions,
  startAwsSecretsManagerServer,
} from './aws-secrets-manager-server.js';
export {
  type AzureKeyVaultServer,
  type AzureKeyVaultServerOptions,
  startAzureKeyVaultServer,
} from './azure-key-vault-server.js';
export { clientCredentialsClient } from './client-credentials-client.js';
export { type DemoEnvironment, startDemoEnvironment } from './demo-environment.js';
export {
  type GcpSecretManagerServer,
  type GcpSecretManagerServerOptions,
  startGcpSecretManagerServer,
} from './gcp-secret-manager-server.js';
export {
  type AccessTokenRequest,
  type GitHubApiServer,
  type GitHubApiServerOptions,
  type GitHubInstallation,
  startGitHubApiServer,
} from './github-api-server.js';
export {
  type GoogleTokenServer,
  type GoogleTokenServerOptions,
  startGoogleTokenServer,
} from './google-token-server.js';
export {
  type ExchangeRecord,
  type HttpsAuthServer,
  type HttpsAuthServerOptions,
  type Introspection,
  startHttpsAuthServer,
  TOKEN_EXCHANGE_GRANT,
} from './https-auth-server.js';
export {
  describeFindings,
  LEAK_FORMS,
  type LeakFinding,
  type LeakForm,
  type LeakNeedle,
  type LeakScanOptions,
  leakForms,
  scanForLeaks,
  secretNeedles,
} from './leak-scanner.js';
export { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';
export { type MtlsProtectedApi, startMtlsProtectedApi } from './mtls-protected-api.js';
export { type ProtectedApi, startProtectedApi } from './protected-api.js';
export {
  filesIn,
  type RedisReply,
  type RedisServer,
  redisServerAvailable,
  sendRedisCommand,
  shouldRunRedisTests,
  startRedisServer,
} from './redis-server.js';
export { CANARY_CODE, TEMPLATE_ESCAPES } from './template-escapes.js';
export {
  certificateJwk,
  createTestCa,
  type IssueOptions,
  selfSignedClientCertificate,
  type TestCa,
  type TestCertificate,
} from './test-ca.js';
export { startVaultServer, type VaultServer, type VaultServerOptions } from './vault-server.js';
