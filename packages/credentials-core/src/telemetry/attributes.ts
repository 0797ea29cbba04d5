import type { Attributes } from '@opentelemetry/api';

/**
 * Attribute names credflow puts on its spans, metrics and audit records.
 * None of them ever holds a token, a secret, an assertion or any part of one.
 */
export const ATTR = {
  key: 'credflow.credential.key',
  type: 'credflow.credential.type',
  grant: 'credflow.credential.grant',
  tenant: 'credflow.tenant',
  namespace: 'credflow.namespace',
  outcome: 'credflow.outcome',
  /** OpenTelemetry's `error.type`: a credflow error code (`ERR_TOKEN_ENDPOINT`), never a message. */
  errorType: 'error.type',
  expiresIn: 'credflow.token.expires_in',
  flowId: 'credflow.flow.id',
  flowNamespace: 'credflow.flow.namespace',
  executionId: 'credflow.execution.id',
  taskId: 'credflow.task.id',
  taskType: 'credflow.task.type',
  secretName: 'credflow.secret.name',
  secretProvider: 'credflow.secret.provider',
  /** `true` on a secret read made past the caches (the rotation rule); absent otherwise. */
  secretFresh: 'credflow.secret.fresh',
} as const;

/** `credflow.outcome` values. */
export type Outcome = 'success' | 'error';

/** The credential a mint is for, as every signal names it. */
export interface CredentialIdentity {
  key: string;
  type: string;
  tenantId: string;
  /** The namespace the credential is defined in (absent for a tenant-level one). */
  namespace?: string;
}

/** The OAuth grant each built-in type sends (RFC 6749 4.4, RFC 7523 2.1, RFC 8693); other types name themselves. */
const GRANTS: Readonly<Record<string, string>> = {
  client_credentials: 'client_credentials',
  private_key_jwt: 'client_credentials',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  github_app: 'github_app_installation',
};

/** The grant a credential type uses. */
export function grantOf(type: string): string {
  return Object.hasOwn(GRANTS, type) ? (GRANTS[type] as string) : type;
}

/** The attributes naming a credential (no outcome): built once per credential, reused on every signal. */
export function credentialAttributes(c: CredentialIdentity): Attributes {
  return {
    [ATTR.key]: c.key,
    [ATTR.type]: c.type,
    [ATTR.grant]: grantOf(c.type),
    [ATTR.tenant]: c.tenantId,
    ...(c.namespace ? { [ATTR.namespace]: c.namespace } : {}),
  };
}

/**
 * A failure's stable code for `error.type`: a credflow error's `code`, else
 * `_OTHER` (OpenTelemetry's fallback). Never the message, which could
 * quote a server's answer.
 */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : '_OTHER';
}
