import { DEFAULT_TENANT } from '@credflow/credentials-core';
import {
  isReservedName,
  KEY_PATTERN,
  NAMESPACE_PATTERN,
  RESERVED_NAME_MESSAGE,
  TENANT_PATTERN,
} from '@credflow/credentials-core/internal';

/** Where a credential lives in `credflow.yaml`. */
export interface CredentialLocation {
  tenantId: string;
  namespace?: string;
  key: string;
}

/** The YAML path of a credential: the default tenant's at the top level, others under `tenants`. */
export function yamlPath(loc: CredentialLocation): string[] {
  const base = loc.tenantId === DEFAULT_TENANT ? [] : ['tenants', loc.tenantId];
  return loc.namespace
    ? [...base, 'namespaces', loc.namespace, 'credentials', loc.key]
    : [...base, 'credentials', loc.key];
}

/** Problems with a location sent by the page, by field. */
export function locationIssues(loc: Partial<CredentialLocation>): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const reserved = (field: keyof CredentialLocation, value: unknown) => {
    if (typeof value !== 'string' || !isReservedName(value)) return false;
    issues.push({ path: field, message: `invalid name '${value}': ${RESERVED_NAME_MESSAGE}` });
    return true;
  };
  if (!reserved('key', loc.key) && (typeof loc.key !== 'string' || !KEY_PATTERN.test(loc.key))) {
    issues.push({
      path: 'key',
      message: "credential keys start with a letter or '_' and use letters, digits, '_', '.', '-'",
    });
  }
  if (!reserved('tenantId', loc.tenantId) && (typeof loc.tenantId !== 'string' || !TENANT_PATTERN.test(loc.tenantId))) {
    issues.push({ path: 'tenantId', message: "tenant ids use letters, digits, '_' and '-'" });
  }
  if (
    loc.namespace !== undefined &&
    loc.namespace !== '' &&
    !reserved('namespace', loc.namespace) &&
    (typeof loc.namespace !== 'string' || !NAMESPACE_PATTERN.test(loc.namespace))
  ) {
    issues.push({ path: 'namespace', message: 'namespaces are dot-separated names (e.g. company.team)' });
  }
  return issues;
}
