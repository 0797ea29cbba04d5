// The public API of @credflow/credentials-core: what a host app needs to
// load a config, get tokens, plug in secret managers, signers, a shared
// cache or an audit sink, and handle errors. Helpers credflow's own packages
// share live in `./internal.ts` (subpath `@credflow/credentials-core/internal`).
export { RedisSharedCache, type RedisSharedCacheOptions } from './cache/shared/redis-shared-cache.js';
export type { SharedCache } from './cache/shared/shared-cache.js';
export {
  SharedCacheEntryError,
  SharedCacheKeyError,
  SharedCacheKeyMismatchError,
  SharedCacheUnavailableError,
} from './cache/shared/shared-cache-errors.js';
export type { SharedCacheOptions } from './cache/shared/shared-cache-options.js';
export type { Clock, Logger } from './clock.js';
export { findConfigPath } from './config/config-path.js';
export { DEFAULT_TENANT } from './config/load-config.js';
export type { SecretRef } from './config/secret-ref.js';
export type {
  CredentialDefinition,
  CredflowConfig,
  NamespaceConfig,
  SecretProviderConfig,
  TemplateLimitsConfig,
  TenantConfig,
} from './config/types.js';
export {
  ConfigError,
  type ConfigIssue,
  ConfigNotFoundError,
  CredentialDefinitionError,
  CredentialNotFoundError,
  CredflowError,
  type CredflowErrorCode,
  DiscoveryError,
  KeyError,
  MinValidityError,
  OAuthResponseError,
  SecretError,
  SecretInvalidError,
  SecretNotFoundError,
  SecretProviderBootstrapError,
  SignerError,
  SubjectTokenError,
  TokenEndpointError,
  type TokenErrorDetails,
  TokenHttpStatusError,
  TokenLifetimeTooShortError,
  TokenNetworkError,
  TokenResponseInvalidError,
  TokenTimeoutError,
  YamlFileError,
} from './errors.js';
export { builtinGrantTypes } from './grants/builtin.js';
export {
  type ClientTls,
  defineGrantType,
  type Grant,
  type GrantContext,
  type GrantResult,
  type GrantType,
} from './grants/grant.js';
export type { RetryPolicy } from './http/retry-policy.js';
export type { SigningAlgorithm } from './keys/algorithms.js';
export type { ExternalSigner } from './keys/external-signer.js';
export { type LoadConfigOptions, loadConfig, parseConfig } from './load-config.js';
export { MASK, Masker, redact } from './redact.js';
export type { Scope } from './scope.js';
export { type AwsSecretsManagerConfig, AwsSecretsManagerProvider } from './secrets/aws-secrets-manager-provider.js';
export { type AzureKeyVaultConfig, AzureKeyVaultProvider } from './secrets/azure-key-vault-provider.js';
export { CachedSecretProvider } from './secrets/cached-provider.js';
export { type EnvProviderOptions, EnvSecretProvider } from './secrets/env-provider.js';
export { FileSecretProvider } from './secrets/file-provider.js';
export { type GcpSecretManagerConfig, GcpSecretManagerProvider } from './secrets/gcp-secret-manager-provider.js';
export {
  SecretAccessDeniedError,
  type SecretFailure,
  SecretProviderError,
  SecretProviderUnavailableError,
  SecretThrottledError,
} from './secrets/secret-errors.js';
export type { SecretProvider, SecretReadOptions } from './secrets/secret-provider.js';
export { traceSecretProvider } from './secrets/secret-read-trace.js';
export { type VaultProviderConfig, VaultSecretProvider } from './secrets/vault-provider.js';
export {
  CredentialStore,
  type CredentialStoreOptions,
  type CredentialSummary,
  type InvalidateOptions,
} from './store.js';
export { ATTR } from './telemetry/attributes.js';
export { type AuditRecord, type AuditSink, JsonLinesAuditLog } from './telemetry/audit-log.js';
export { METRIC } from './telemetry/metrics.js';
export { SPAN } from './telemetry/tracing.js';
export type { AccessToken, TokenInfo } from './token/access-token.js';
export type { GetTokenOptions } from './token/min-validity.js';
