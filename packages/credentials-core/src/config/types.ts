import type { SecretProvider, SecretRef } from '../secrets/secret-provider.js';
import type { CacheConfig } from './cache-config.js';
import type { AuditConfig } from './audit-config.js';

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

export type SecretProviderConfig = { type: 'env'; encoding: 'base64' | 'plain' } | { type: 'file'; dir: string };

export interface NamespaceConfig {
  credentials: Map<string, CredentialDefinition>;
}

export interface TenantConfig {
  credentials: Map<string, CredentialDefinition>;
  namespaces: Map<string, NamespaceConfig>;
}

/** A loaded, validated `credflow.yaml`. */
export interface CredflowConfig {
  /** Path of the file it came from, or a label such as `<inline>`. */
  file: string;
  /** Directory relative paths (e.g. `file` secret dirs) are resolved against. */
  baseDir: string;
  secrets: SecretProviderConfig[];
  tenants: Map<string, TenantConfig>;
  /** Template syntax of flows run with this config: `credflow` (`<< >>`) or `pebble` (`{{ }}`, as in Kestra). */
  templates: { syntax: 'credflow' | 'pebble' };
  /** The top-level `cache:` block: `shared` names a cache many processes share (SPEC section 8). */
  cache?: CacheConfig;
  /** `audit:`: where the audit log of mints goes (SPEC section 9); absent, none is written. */
  audit?: AuditConfig;
}

export type { SecretProvider, SecretRef };
