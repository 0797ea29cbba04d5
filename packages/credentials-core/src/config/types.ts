import type { AuditConfig } from './audit-config.js';
import type { CacheConfig } from './cache-config.js';
import type { SecretProviderConfig } from './secret-provider-schema.js';

/** Fields every validated credential definition has. Durations are in ms. */
export interface CredentialCommon {
  type: string;
  cache: { enabled: boolean; refreshBeforeExpiry: number };
  timeout: number;
  defaultLifetime: number;
  [field: string]: unknown;
}

/** A validated credential definition of some type. */
export type CredentialDefinition = CredentialCommon;

/** A `secrets:` entry (a `file` provider's `dir` is absolute once loaded). */
export type { SecretProviderConfig };
/** The providers that read this machine: `env` and `file`. */
export type LocalSecretProviderConfig = Extract<SecretProviderConfig, { type: 'env' | 'file' }>;

export interface NamespaceConfig {
  credentials: Map<string, CredentialDefinition>;
  /** `namespaces.<ns>.secrets`: asked first for this namespace and its children (SPEC section 2). */
  secrets: SecretProviderConfig[];
}

export interface TenantConfig {
  credentials: Map<string, CredentialDefinition>;
  namespaces: Map<string, NamespaceConfig>;
  /**
   * The tenant's secret providers: the top-level `secrets:` for `main`
   * (default `[{ type: env }]`), `tenants.<id>.secrets` for the others (none
   * when absent). A tenant never reads another's (SPEC section 2).
   */
  secrets: SecretProviderConfig[];
}

/** A loaded, validated `credflow.yaml`. */
export interface CredflowConfig {
  /** Path of the file it came from, or a label such as `<inline>`. */
  file: string;
  /** Directory relative paths (e.g. `file` secret dirs) are resolved against. */
  baseDir: string;
  /**
   * The `env` and `file` providers of the default tenant, for hosts that
   * describe them. @deprecated Every tenant's full list, external managers
   * included, is `tenants.get(id).secrets`.
   */
  secrets: LocalSecretProviderConfig[];
  tenants: Map<string, TenantConfig>;
  /**
   * `templates.syntax` forces one template syntax for every flow: `credflow`
   * (`<< >>`) or `pebble` (`{{ }}`, as in Kestra). Absent, each flow file's
   * own syntax is used (SPEC section 4).
   */
  templates: { syntax?: 'credflow' | 'pebble'; limits?: TemplateLimitsConfig };
  /**
   * `tasks.process.enabled`: script tasks (`io.kestra.plugin.scripts.shell.*`)
   * run as local processes only when true (SPEC section 5); default false.
   */
  tasks: { process: { enabled: boolean } };
  /** `globals:`: Kestra's global variables, read by every flow as `globals.<name>` (plain data, never secrets). */
  globals?: Record<string, unknown>;
  /** `flows.dir`: where subflows are found, made absolute (relative to the config file). */
  flows?: { dir: string };
  /** The top-level `cache:` block: `shared` names a cache many processes share (SPEC section 8). */
  cache?: CacheConfig;
  /** `audit:`: where the audit log of mints goes (SPEC section 9); absent, none is written. */
  audit?: AuditConfig;
}

/** `templates.limits`: the bounds of every render (SPEC section 4); absent fields take the defaults. */
export interface TemplateLimitsConfig {
  maxOutputBytes?: number;
  maxIterations?: number;
  maxRange?: number;
  maxDepth?: number;
  /** Wall time per rendered property, in milliseconds. */
  timeoutMs?: number;
}
