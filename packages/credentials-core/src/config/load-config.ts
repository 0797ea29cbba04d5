import { dirname, resolve } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ConfigError, ConfigNotFoundError } from '../errors.js';
import { toAuditConfig } from './audit-config.js';
import { absoluteSharedCachePaths, type SharedCacheConfig } from './cache-config.js';
import type { CredentialTypeSchema } from './credential-type-schema.js';
import { buildConfigSchema } from './schema.js';
import type {
  CredentialDefinition,
  CredflowConfig,
  LocalSecretProviderConfig,
  NamespaceConfig,
  SecretProviderConfig,
  TemplateLimitsConfig,
  TenantConfig,
} from './types.js';
import { formatPath, issuesFromZod, locate, readYaml, readYamlFile } from './yaml-source.js';

/** How a config is read: the credential types it may use (given by the caller, so config never imports the grants). */
export interface ConfigLoadOptions {
  /** Credential types the config may use (the grant types, or any {@link CredentialTypeSchema}). */
  grantTypes: readonly CredentialTypeSchema[];
}

/** The default tenant: top-level `credentials` and `namespaces` belong to it. */
export const DEFAULT_TENANT = 'main';

/**
 * Reads and validates a `credflow.yaml` for the given credential types.
 * Every problem is reported with the file, the YAML path and the line.
 * (`loadConfig` in `../load-config.ts` is the public entry, with the
 * built-in grant types by default.)
 */
export async function loadConfigWith(file: string, options: ConfigLoadOptions): Promise<CredflowConfig> {
  const text = await readYamlFile(file, 'config', ConfigNotFoundError);
  return parseConfigWith(text, { file, baseDir: dirname(resolve(file)), ...options });
}

/** Validates config text; `file` only labels messages, `baseDir` resolves relative paths. */
export function parseConfigWith(
  text: string,
  options: ConfigLoadOptions & { file?: string; baseDir?: string },
): CredflowConfig {
  const file = options.file ?? '<inline>';
  const { doc, lineCounter, data } = readYaml(text, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [
      { path: '', line: 1, message: 'the top level must be a mapping (secrets, credentials, ...)' },
    ]);
  }
  const schema = buildConfigSchema(options.grantTypes);
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(file, issuesFromZod(parsed.error.issues, doc, lineCounter, schema));
  }
  return toConfig(parsed.data, file, options.baseDir ?? process.cwd(), doc, lineCounter);
}

type Parsed = z.output<ReturnType<typeof buildConfigSchema>>;
type ParsedSecrets = SecretProviderConfig[] | undefined;
type ParsedScope = {
  credentials: Record<string, Record<string, unknown>>;
  namespaces: Record<string, { credentials: Record<string, Record<string, unknown>>; secrets?: ParsedSecrets }>;
  secrets?: ParsedSecrets;
};

function toConfig(data: Parsed, file: string, baseDir: string, doc: Document, lc: LineCounter): CredflowConfig {
  const tenants = new Map<string, TenantConfig>();
  // A `file` provider's dir is relative to the config file.
  const providers = (list: ParsedSecrets): SecretProviderConfig[] =>
    (list ?? []).map((s) => (s.type === 'file' ? { ...s, dir: resolve(baseDir, s.dir) } : s));
  const toTenant = (s: ParsedScope): TenantConfig => ({
    credentials: new Map(Object.entries(s.credentials) as [string, CredentialDefinition][]),
    namespaces: new Map(
      Object.entries(s.namespaces).map(([ns, n]): [string, NamespaceConfig] => [
        ns,
        {
          credentials: new Map(Object.entries(n.credentials) as [string, CredentialDefinition][]),
          secrets: providers(n.secrets),
        },
      ]),
    ),
    secrets: providers(s.secrets),
  });
  const main = toTenant({ ...(data as unknown as ParsedScope), secrets: data.secrets });
  tenants.set(DEFAULT_TENANT, main);
  for (const [id, t] of Object.entries(data.tenants)) {
    const tenant = toTenant(t as unknown as ParsedScope);
    if (id === DEFAULT_TENANT) {
      if ((t as ParsedScope).secrets !== undefined) {
        const path = ['tenants', id, 'secrets'];
        throw new ConfigError(file, [
          {
            path: formatPath(path),
            line: locate(doc, path, lc),
            message: "the default tenant's secret providers are the top-level `secrets:`: move them there",
          },
        ]);
      }
      // `tenants.main` may hold more of the default tenant, but not the same keys twice.
      for (const [k, v] of tenant.credentials) {
        if (main.credentials.has(k)) duplicate(file, ['tenants', id, 'credentials', k], doc, lc);
        main.credentials.set(k, v);
      }
      for (const [ns, n] of tenant.namespaces) {
        const existing = main.namespaces.get(ns);
        if (!existing) main.namespaces.set(ns, n);
        else {
          existing.secrets.push(...n.secrets);
          for (const [k, v] of n.credentials) {
            if (existing.credentials.has(k))
              duplicate(file, ['tenants', id, 'namespaces', ns, 'credentials', k], doc, lc);
            existing.credentials.set(k, v);
          }
        }
      }
    } else tenants.set(id, tenant);
  }
  return {
    file,
    baseDir,
    templates: {
      ...(data.templates.syntax ? { syntax: data.templates.syntax } : {}),
      ...(data.templates.limits ? { limits: renderLimits(data.templates.limits) } : {}),
    },
    tasks: { process: { enabled: data.tasks.process?.enabled === true } },
    ...(data.flows ? { flows: { dir: resolve(baseDir, data.flows.dir) } } : {}),
    ...(data.globals ? { globals: data.globals } : {}),
    ...(data.cache?.shared ? { cache: { shared: sharedCacheConfig(data.cache.shared, baseDir) } } : {}),
    ...(data.audit ? { audit: toAuditConfig(data.audit, baseDir) } : {}),
    secrets: main.secrets.filter((s): s is LocalSecretProviderConfig => s.type === 'env' || s.type === 'file'),
    tenants,
  };
}

/** `cache.shared` with its `file` paths (URL, TLS CA) made absolute (relative to the config file). */
function sharedCacheConfig(shared: SharedCacheConfig, baseDir: string): SharedCacheConfig {
  return absoluteSharedCachePaths(shared, baseDir);
}

function duplicate(file: string, path: string[], doc: Document, lc: LineCounter): never {
  throw new ConfigError(file, [
    {
      path: formatPath(path),
      line: locate(doc, path, lc),
      message: `credential '${path.at(-1)}' is defined both here and at the top level of the default tenant`,
    },
  ]);
}

/** `templates.limits` as the template extension takes them (`timeout` in milliseconds). */
function renderLimits(limits: {
  maxOutputBytes?: number | undefined;
  maxIterations?: number | undefined;
  maxRange?: number | undefined;
  maxDepth?: number | undefined;
  timeout?: number | undefined;
}): TemplateLimitsConfig {
  const out: TemplateLimitsConfig = {};
  if (limits.maxOutputBytes !== undefined) out.maxOutputBytes = limits.maxOutputBytes;
  if (limits.maxIterations !== undefined) out.maxIterations = limits.maxIterations;
  if (limits.maxRange !== undefined) out.maxRange = limits.maxRange;
  if (limits.maxDepth !== undefined) out.maxDepth = limits.maxDepth;
  if (limits.timeout !== undefined) out.timeoutMs = Math.max(1, limits.timeout);
  return out;
}
