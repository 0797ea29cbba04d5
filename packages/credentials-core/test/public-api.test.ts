/**
 * The names this package exports. Widening the public API is a decision:
 * change these lists on purpose, in the same commit, and say why. The
 * `internal` subpath is for credflow's own packages (no compatibility
 * promise); it is listed too, so helpers do not drift into it unnoticed.
 */
import { expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as internal from '../src/internal.js';

it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'ATTR',
      'AwsSecretsManagerProvider',
      'AzureKeyVaultProvider',
      'CachedSecretProvider',
      'builtinGrantTypes',
      'ConfigError',
      'ConfigNotFoundError',
      'CredentialDefinitionError',
      'CredentialNotFoundError',
      'CredentialStore',
      'CredflowError',
      'DEFAULT_TENANT',
      'defineGrantType',
      'DiscoveryError',
      'EnvSecretProvider',
      'FileSecretProvider',
      'findConfigPath',
      'GcpSecretManagerProvider',
      'JsonLinesAuditLog',
      'KeyError',
      'loadConfig',
      'MASK',
      'Masker',
      'METRIC',
      'MinValidityError',
      'OAuthResponseError',
      'parseConfig',
      'redact',
      'RedisSharedCache',
      'SecretAccessDeniedError',
      'SecretError',
      'SecretInvalidError',
      'SecretNotFoundError',
      'SecretProviderBootstrapError',
      'SecretProviderError',
      'SecretProviderUnavailableError',
      'SecretThrottledError',
      'SharedCacheEntryError',
      'SharedCacheKeyError',
      'SharedCacheKeyMismatchError',
      'SharedCacheUnavailableError',
      'SignerError',
      'SPAN',
      'SubjectTokenError',
      'TokenEndpointError',
      'TokenHttpStatusError',
      'TokenLifetimeTooShortError',
      'TokenNetworkError',
      'TokenResponseInvalidError',
      'TokenTimeoutError',
      'traceSecretProvider',
      'VaultSecretProvider',
      'YamlFileError',
    ].sort(),
  );
});

it('exports exactly its internal helpers under /internal', () => {
  expect(Object.keys(internal).sort()).toEqual(
    [
      'AssertionSigner',
      'authorizationSecrets',
      'describeScope',
      'didYouMean',
      'emptyConfig',
      'flushAuditLogs',
      'formatDuration',
      'formatPath',
      'isReservedName',
      'issuesFromZod',
      'KEY_PATTERN',
      'locate',
      'MAX_FILE_VALUE_BYTES',
      'NAMESPACE_PATTERN',
      'namespaceChain',
      'parseDuration',
      'parseSchemasWithoutCodegen',
      'readBoundedText',
      'readYaml',
      'readYamlFile',
      'RESERVED_NAME_MESSAGE',
      'SecretResolver',
      'SecretScopes',
      'startExecutionTrace',
      'systemClock',
      'TENANT_PATTERN',
      'TokenCache',
    ].sort(),
  );
});

it('derives every exported error class from CredflowError', () => {
  const classes = Object.entries(api as Record<string, unknown>).flatMap(([name, value]) =>
    typeof value === 'function' && value.prototype instanceof Error && name !== 'CredflowError'
      ? [{ name, prototype: value.prototype as object }]
      : [],
  );
  expect(classes.length).toBeGreaterThan(25);
  for (const { name, prototype } of classes) expect(prototype instanceof api.CredflowError, name).toBe(true);
});
