import { z } from 'zod';
import type { GrantType } from '../grants/grant.js';
import { auditConfigSchema } from './audit-config.js';
import { cacheConfigField } from './cache-config.js';
import { commonFields } from './fields.js';
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
const keyField = nameField(
  KEY_PATTERN,
  "credential keys start with a letter or '_' and use letters, digits, '_', '.', '-'",
);
const namespaceField = nameField(
  NAMESPACE_PATTERN,
  "namespaces are dot-separated names of letters, digits, '_' and '-' (e.g. company.team)",
).refine((ns) => ns.length <= 255, 'namespaces are at most 255 characters');
const tenantField = nameField(TENANT_PATTERN, "tenant ids use letters, digits, '_' and '-'");

/** YAML `key:` with nothing after it is null: treat it as absent. */
const orAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema);

/** Builds the zod schema of `credflow.yaml` for the given credential types. */
export function buildConfigSchema(grantTypes: readonly GrantType[]) {
  const names = grantTypes.map((g) => g.type);
  const variants = grantTypes.map((g) => {
    const obj = z.strictObject({ type: z.literal(g.type), ...commonFields, ...g.fields });
    const validate = g.validate;
    return validate
      ? obj.superRefine((def, ctx) => {
          for (const p of validate(def as never)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
        })
      : obj;
  }) as unknown as [z.ZodObject, ...z.ZodObject[]];
  const credential = z.discriminatedUnion('type', variants, {
    error: (iss) => {
      if (iss.code === 'invalid_union') return `unknown credential type: expected one of ${names.join(', ')}`;
      if (iss.code === 'invalid_type') return 'expected a credential definition (a mapping with a `type`)';
      return undefined;
    },
  });
  const credentials = orAbsent(z.record(keyField, credential).default({}));
  /** A scope's own providers; absent is not the same as empty for the default tenant (SPEC section 2). */
  const scopedSecrets = orAbsent(z.array(secretProviderSchema).optional());
  const namespaces = orAbsent(
    z.record(namespaceField, z.strictObject({ credentials, secrets: scopedSecrets })).default({}),
  );
  return z.strictObject({
    templates: orAbsent(
      z
        .strictObject({
          syntax: z
            .enum(['credflow', 'pebble'], {
              error: 'expected credflow (<< >>, <% %>) or pebble ({{ }}, {% %}, as in Kestra)',
            })
            .default('credflow'),
        })
        .prefault({}),
    ),
    secrets: orAbsent(z.array(secretProviderSchema).default([{ type: 'env', encoding: 'base64', prefix: 'SECRET_' }])),
    cache: orAbsent(cacheConfigField.optional()),
    audit: orAbsent(auditConfigSchema.optional()),
    credentials,
    namespaces,
    tenants: orAbsent(
      z
        .record(tenantField, orAbsent(z.strictObject({ credentials, namespaces, secrets: scopedSecrets }).prefault({})))
        .default({}),
    ),
  });
}
