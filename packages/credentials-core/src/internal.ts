// `@credflow/credentials-core/internal`: helpers credflow's own packages
// (template-extension, flow-runner, ui, cli) and its benchmarks share.
// Not for host apps: these names may change in any release.
export { TokenCache } from './cache/token-cache.js';
export { systemClock } from './clock.js';
export { emptyConfig } from './config/empty-config.js';
export { isReservedName, RESERVED_NAME_MESSAGE } from './config/reserved-names.js';
export { KEY_PATTERN, NAMESPACE_PATTERN, TENANT_PATTERN } from './config/schema.js';
export { formatPath, issuesFromZod, locate, readYaml, readYamlFile, type YamlSource } from './config/yaml-source.js';
export { didYouMean } from './did-you-mean.js';
export { formatDuration, parseDuration } from './duration.js';
export type { YamlFileErrorClass } from './errors.js';
export { AssertionSigner } from './keys/assertion-signer.js';
export { MAX_FILE_VALUE_BYTES, readBoundedText } from './read-bounded-text.js';
export { authorizationSecrets } from './redact.js';
export { describeScope, namespaceChain } from './scope.js';
export { SecretResolver } from './secrets/secret-resolver.js';
export { SecretScopes } from './secrets/secret-scopes.js';
export { flushAuditLogs } from './telemetry/audit-log.js';
export { type ExecutionInfo, type ExecutionTrace, startExecutionTrace } from './telemetry/execution-trace.js';
export { parseSchemasWithoutCodegen } from './zod-mode.js';
