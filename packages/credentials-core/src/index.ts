export { describeRedisUrl, RedisSharedCache, type RedisSharedCacheOptions } from './cache/redis-shared-cache.js';
export type { SharedCache } from './cache/shared-cache.js';
export {
  SharedCacheEntryError,
  SharedCacheKeyError,
  SharedCacheKeyMismatchError,
  SharedCacheUnavailableError,
} from './cache/shared-cache-errors.js';
export type { SharedCacheOptions } from './cache/shared-tokens.js';
export { type CachePolicy, TokenCache, type TokenCacheEvents, type TokenCacheOptions } from './cache/token-cache.js';
export { type Clock, type Logger, stderrLogger, systemClock } from './clock.js';
export type { AuditConfig } from './config/audit-config.js';
export type { CacheConfig, SharedCacheConfig } from './config/cache-config.js';
export {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  HMAC_ALGORITHMS,
} from './config/client-auth-fields.js';
export { findConfigPath } from './config/config-path.js';
export { definitionHash } from './config/definition-hash.js';
export {
  cacheField,
  commonFields,
  durationField,
  endpointField,
  scopesField,
  secretRefField,
} from './config/fields.js';
export { DEFAULT_TENANT, type LoadConfigOptions, loadConfig, parseConfig } from './config/load-config.js';
export { isLoopbackHost, isSecureOrLoopbackUrl } from './config/loopback.js';
export { isReservedName, RESERVED_NAME_MESSAGE, RESERVED_NAMES } from './config/reserved-names.js';
export { buildConfigSchema, KEY_PATTERN, NAMESPACE_PATTERN, TENANT_PATTERN } from './config/schema.js';
export type {
  CredentialCommon,
  CredentialDefinition,
  CredflowConfig,
  LocalSecretProviderConfig,
  NamespaceConfig,
  SecretProviderConfig,
  TenantConfig,
} from './config/types.js';
export { formatPath, issuesFromZod, locate, readYaml, readYamlFile, type YamlSource } from './config/yaml-source.js';
export { didYouMean } from './did-you-mean.js';
export { formatDuration, parseDuration } from './duration.js';
export {
  ConfigError,
  type ConfigIssue,
  CredentialNotFoundError,
  CredflowError,
  type CredflowErrorCode,
  DiscoveryError,
  KeyError,
  SecretError,
  SignerError,
  SubjectTokenError,
  TokenEndpointError,
  type TokenErrorDetails,
} from './errors.js';
export { builtinGrantTypes } from './grants/builtin.js';
export {
  addRequestParams,
  type ClientCredentialsDefinition,
  clientCredentialsGrantType,
  extraParamsField,
  resourceField,
} from './grants/client-credentials.js';
export { type GitHubAppDefinition, gitHubAppGrantType } from './grants/github-app.js';
export {
  type ClientTls,
  defineGrantType,
  type Grant,
  type GrantContext,
  type GrantResult,
  type GrantType,
} from './grants/grant.js';
export { JWT_BEARER_GRANT_TYPE, type JwtBearerDefinition, jwtBearerGrantType } from './grants/jwt-bearer.js';
export { type PrivateKeyJwtDefinition, privateKeyJwtGrantType } from './grants/private-key-jwt.js';
export {
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenExchangeDefinition,
  tokenExchangeGrantType,
} from './grants/token-exchange.js';
export {
  type ClientAuth,
  clientSecretAuth,
  clientSecretBasic,
  clientSecretJwt,
  clientSecretPost,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  noClientAuth,
  privateKeyJwt,
  tlsClientAuth,
} from './http/client-auth.js';
export { clearDiscoveryCache, discoverMetadata, metadataUrls, type ServerMetadata } from './http/discovery.js';
export { defaultRetryPolicy, type RetryPolicy } from './http/retry-policy.js';
export { requestToken, type TokenRequest, type TokenRequestContext } from './http/token-request.js';
export { describeKey, keyMismatch, SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys/algorithms.js';
export { type AssertionClaims, AssertionSigner, type SignerOptions } from './keys/assertion-signer.js';
export { certificateThumbprints, type Thumbprints } from './keys/certificate.js';
export type { ExternalSigner } from './keys/external-signer.js';
export { importPrivateKey } from './keys/private-key.js';
export { authorizationSecrets, MASK, Masker, MIN_MASKED_LENGTH, redact, sensitiveForms } from './redact.js';
export {
  describeScope,
  listCredentials,
  namespaceChain,
  type ResolvedCredential,
  resolveCredential,
  type Scope,
} from './scope.js';
export { type AwsSecretsManagerConfig, AwsSecretsManagerProvider } from './secrets/aws-secrets-manager-provider.js';
export { type AzureKeyVaultConfig, AzureKeyVaultProvider } from './secrets/azure-key-vault-provider.js';
export { CachedSecretProvider } from './secrets/cached-provider.js';
export { type EnvProviderOptions, EnvSecretProvider } from './secrets/env-provider.js';
export { FileSecretProvider } from './secrets/file-provider.js';
export { type GcpSecretManagerConfig, GcpSecretManagerProvider } from './secrets/gcp-secret-manager-provider.js';
export { type ProviderContext, providersFromConfig } from './secrets/providers-from-config.js';
export { isRotationError } from './secrets/rotation.js';
export {
  SecretAccessDeniedError,
  type SecretFailure,
  SecretProviderError,
  SecretProviderUnavailableError,
  SecretThrottledError,
} from './secrets/secret-errors.js';
export {
  isValidSecretName,
  type SecretProvider,
  type SecretReadOptions,
  type SecretRef,
} from './secrets/secret-provider.js';
export { SecretResolver, type SecretResolverOptions } from './secrets/secret-resolver.js';
export { SecretScopes, type SecretScopesOptions } from './secrets/secret-scopes.js';
export { type VaultProviderConfig, VaultSecretProvider } from './secrets/vault-provider.js';
export {
  CredentialStore,
  type CredentialStoreOptions,
  type CredentialSummary,
  type InvalidateOptions,
} from './store.js';
export { ATTR, type CredentialIdentity, grantOf, type Outcome } from './telemetry/attributes.js';
export { type AuditRecord, type AuditSink, flushAuditLogs, JsonLinesAuditLog } from './telemetry/audit-log.js';
export { type ExecutionInfo, type ExecutionTrace, startExecutionTrace } from './telemetry/execution-trace.js';
export { METER_NAME, METRIC, recordSharedCacheHit } from './telemetry/metrics.js';
export { currentMintContext, type MintContext, withMintContext } from './telemetry/mint-context.js';
export { traceSecretProvider } from './telemetry/secret-read-trace.js';
export { SPAN, TRACER_NAME } from './telemetry/tracing.js';
export type { AccessToken, TokenInfo } from './token/access-token.js';
export type { GetTokenOptions } from './token/min-validity.js';
