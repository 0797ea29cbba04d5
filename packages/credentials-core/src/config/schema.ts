import { z } from 'zod';
import { auditConfigSchema } from './audit-config.js';
import { cacheConfigField } from './cache-config.js';
import type { CredentialTypeSchema } from './credential-type-schema.js';
import { commonFields, durationField } from './fields.js';
import { isReservedName, RESERVED_NAME_MESSAGE } from './reserved-names.js';
import { secretProviderSchema } from './secret-provider-schema.js';

/** Credential keys: what `credential('KEY')` names. */
export const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** Namespaces: dot-separated segments, as in Kestra (`company.team`). */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$/;
/** Tenant ids. */
export const TENANT_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** A name matching `pattern`, and not one of the reserved names; one message either way. */
const nameField = (pattern: RegExp, message: string) =>
  z.string().superRefine((name, ctx) => {
    if (isReservedName(name)) ctx.addIssue({ code: 'custom', message: RESERVED_NAME_MESSAGE });
    else if (!pattern.test(name)) ctx.addIssue({ code: 'custom', message });
  });
/** YAML `key:` with nothing after it is null: treat it as absent. */
const orAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema);

type ConfigSchema = ReturnType<typeof build>;
/** The last schema built, with the credential types it was built for. */
let last: { grantTypes: readonly CredentialTypeSchema[]; schema: ConfigSchema } | undefined;

/**
 * The zod schema of `credflow.yaml` for the given credential types. Built
 * when a config is first parsed, not when the module loads, and kept while
 * the same credential types are asked for.
 */
export function buildConfigSchema(grantTypes: readonly CredentialTypeSchema[]): ConfigSchema {
  if (last && last.grantTypes.length === grantTypes.length && last.grantTypes.every((g, i) => g === grantTypes[i])) {
    return last.schema;
  }
  const schema = build(grantTypes);
  last = { grantTypes: [...grantTypes], schema };
  return schema;
}

function build(grantTypes: readonly CredentialTypeSchema[]) {
  const keyField = nameField(
    KEY_PATTERN,
    "credential keys start with a letter or '_' and use letters, digits, '_', '.', '-'",
  );
  const namespaceField = nameField(
    NAMESPACE_PATTERN,
    "namespaces are dot-separated names of letters, digits, '_' and '-' (e.g. company.team)",
  ).refine((ns) => ns.length <= 255, 'namespaces are at most 255 characters');
  const tenantField = nameField(TENANT_PATTERN, "tenant ids use letters, digits, '_' and '-'");
  // A copy: the lazy union below is built later, from the types asked for now.
  const types = [...grantTypes];
  const names = types.map((g) => g.type);
  // The credential types' fields and the secret providers are built on first
  // use (z.lazy): a config without credentials or `secrets:` (a run with no
  // credflow.yaml) never builds them, which saves most of the schema's cost.
  const credential = z.lazy(() => {
    const common = commonFields();
    const variants = types.map((g) => {
      const obj = z.strictObject({ type: z.literal(g.type), ...common, ...g.fields });
      const validate = g.validate;
      return validate
        ? obj.superRefine((def, ctx) => {
            for (const p of validate(def as never)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
          })
        : obj;
    }) as unknown as [z.ZodObject, ...z.ZodObject[]];
    return z.discriminatedUnion('type', variants, {
      error: (iss) => {
        if (iss.code === 'invalid_union') return `unknown credential type: expected one of ${names.join(', ')}`;
        if (iss.code === 'invalid_type') return 'expected a credential definition (a mapping with a `type`)';
        return undefined;
      },
    });
  });
  const secretProvider = z.lazy(secretProviderSchema);
  const credentials = orAbsent(z.record(keyField, credential).default({}));
  /** A scope's own providers; absent is not the same as empty for the default tenant (SPEC section 2). */
  const scopedSecrets = orAbsent(z.array(secretProvider).optional());
  const namespaces = orAbsent(
    z.record(namespaceField, z.strictObject({ credentials, secrets: scopedSecrets })).default({}),
  );
  const positiveInt = () => z.number({ error: 'expected a positive whole number' }).int().positive();
  return z.strictObject({
    templates: orAbsent(
      z
        .strictObject({
          syntax: z
            .enum(['credflow', 'pebble'], {
              error: 'expected credflow (<< >>, <% %>) or pebble ({{ }}, {% %}, as in Kestra)',
            })
            .optional(),
          // SPEC section 4: the bounds of every render (defaults in @credflow/template-extension).
          limits: z
            .strictObject({
              maxOutputBytes: positiveInt().optional(),
              maxIterations: positiveInt().optional(),
              maxRange: positiveInt().optional(),
              maxDepth: positiveInt().optional(),
              timeout: durationField().optional(),
            })
            .optional(),
        })
        .prefault({}),
    ),
    // SPEC section 5: script tasks run as local processes only when enabled here.
    tasks: orAbsent(
      z
        .strictObject({
          process: z.strictObject({ enabled: z.boolean({ error: 'expected true or false' }) }).optional(),
        })
        .prefault({}),
    ),
    // Kestra's `globals`: values every flow reads as `globals.<name>`.
    globals: orAbsent(z.record(z.string(), z.unknown()).optional()),
    // Where subflows are found (by namespace and id), relative to this file.
    flows: orAbsent(z.strictObject({ dir: z.string({ error: 'expected a directory' }).min(1) }).optional()),
    // A function: each parse gets its own provider object (the schema is kept across parses).
    secrets: orAbsent(
      z.array(secretProvider).default(() => [{ type: 'env' as const, encoding: 'base64' as const, prefix: 'SECRET_' }]),
    ),
    cache: orAbsent(cacheConfigField().optional()),
    audit: orAbsent(auditConfigSchema().optional()),
    credentials,
    namespaces,
    tenants: orAbsent(
      z
        .record(tenantField, orAbsent(z.strictObject({ credentials, namespaces, secrets: scopedSecrets }).prefault({})))
        .default({}),
    ),
  });
}
