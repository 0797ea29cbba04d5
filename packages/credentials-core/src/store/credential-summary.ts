import type { GrantType } from '../grants/grant.js';
import type { ResolvedCredential } from '../scope.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import { shownEndpoint } from '../shown-endpoint.js';

/** A credential as `list()` shows it: no secret values, secret references by name. */
export interface CredentialSummary {
  key: string;
  tenantId: string;
  level: 'tenant' | 'namespace';
  namespace?: string;
  type: string;
  endpoint: string;
  cache: { enabled: boolean; refreshBeforeExpiry: number };
  secrets: { field: string; secret: string; subkey?: string }[];
}

const isSecretRef = (v: unknown): v is SecretRef =>
  typeof v === 'object' && v !== null && typeof (v as { secret?: unknown }).secret === 'string';

/** The summary of a resolved credential of type `grantType`: its secret references by name, never a value. */
export function summarize(r: ResolvedCredential, grantType: GrantType): CredentialSummary {
  const def = r.definition;
  return {
    key: r.key,
    tenantId: r.tenantId,
    level: r.level,
    ...(r.namespace ? { namespace: r.namespace } : {}),
    type: def.type,
    endpoint: shownEndpoint(grantType.endpoint(def)),
    cache: { ...def.cache },
    secrets: Object.entries(def)
      .filter(([, v]) => isSecretRef(v))
      .map(([f, v]) => {
        const ref = v as SecretRef;
        return { field: f, secret: ref.secret, ...(ref.subkey ? { subkey: ref.subkey } : {}) };
      }),
  };
}
