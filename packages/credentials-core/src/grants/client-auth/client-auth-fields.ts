import { z } from 'zod';
import { durationField, endpointField, secretRefField } from '../../config/fields.js';
import type { SecretRef } from '../../config/secret-ref.js';
import { lazily } from '../../lazily.js';

/**
 * Client authentication methods a credential may name (`clientAuthMethod`).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** Methods that authenticate with the client secret. */
export const SECRET_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
];
/** RFC 8705 methods: the TLS client certificate authenticates. */
export const MTLS_METHODS: readonly ClientAuthMethod[] = ['tls_client_auth', 'self_signed_tls_client_auth'];

/** HMAC algorithms of `client_secret_jwt` (RFC 7518 section 3.2). */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/**
 * An authorization server's issuer identifier, for discovery: an https URL
 * (http only on loopback) without query or fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export const issuerField = lazily(() =>
  endpointField().superRefine((text, ctx) => {
    try {
      const url = new URL(text);
      if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'an issuer has no query or fragment' });
    } catch {
      // endpointField() already said it is not a URL.
    }
  }),
);

/**
 * Fields of a token request's client authentication, shared by
 * `client_credentials` and `token_exchange`: the method, the secret for the
 * secret-based methods, the TLS client certificate and key for mTLS, a CA
 * to trust for private PKIs, and where the token endpoint is (given, or
 * discovered from `issuer`).
 */
export const clientAuthFields = lazily(() => ({
  tokenEndpoint: endpointField().optional(),
  issuer: issuerField().optional(),
  clientSecret: secretRefField().optional(),
  clientAuthMethod: z
    .enum(CLIENT_AUTH_METHODS, { error: `expected one of ${CLIENT_AUTH_METHODS.join(', ')}` })
    .optional(),
  algorithm: z.enum(HMAC_ALGORITHMS, { error: `expected one of ${HMAC_ALGORITHMS.join(', ')}` }).optional(),
  assertionLifetime: durationField()
    .refine((ms) => ms >= 1000 && ms <= 3_600_000, 'must be between PT1S and PT1H')
    .optional(),
  certificate: secretRefField().optional(),
  privateKey: secretRefField().optional(),
  caCertificate: secretRefField().optional(),
}));

/** The client authentication fields of a validated definition. */
export interface ClientAuthDefinition {
  tokenEndpoint?: string;
  issuer?: string;
  clientId?: string;
  clientSecret?: SecretRef;
  clientAuthMethod?: ClientAuthMethod;
  algorithm?: HmacAlgorithm;
  assertionLifetime?: number;
  certificate?: SecretRef;
  privateKey?: SecretRef;
  caCertificate?: SecretRef;
  timeout: number;
}

type Issue = { path: string[]; message: string };

/** `tokenEndpoint` or `issuer`, exactly one. */
export function endpointIssues(def: { tokenEndpoint?: string; issuer?: string }): Issue[] {
  if (def.tokenEndpoint && def.issuer) return [{ path: ['issuer'], message: 'set tokenEndpoint or issuer, not both' }];
  if (!def.tokenEndpoint && !def.issuer) {
    return [{ path: ['tokenEndpoint'], message: 'set tokenEndpoint, or issuer to discover it (RFC 8414)' }];
  }
  return [];
}

/** Checks across the client authentication fields; each problem names its field. */
export function clientAuthIssues(def: ClientAuthDefinition, options: { clientRequired: boolean }): Issue[] {
  const issues = endpointIssues(def);
  const method = def.clientAuthMethod;
  const mtls = method !== undefined && MTLS_METHODS.includes(method);
  if (options.clientRequired && !def.clientId) issues.push({ path: ['clientId'], message: 'is required' });
  if (!def.clientId && (def.clientSecret || def.certificate || method)) {
    issues.push({ path: ['clientId'], message: 'is required when the client authenticates' });
  }
  if (method && SECRET_METHODS.includes(method) && !def.clientSecret) {
    issues.push({ path: ['clientSecret'], message: `is required with clientAuthMethod ${method}` });
  }
  if (mtls && def.clientSecret) {
    issues.push({
      path: ['clientSecret'],
      message: `is not used with clientAuthMethod ${method} (the certificate authenticates)`,
    });
  }
  if (mtls && !def.certificate) {
    issues.push({ path: ['certificate'], message: `is required with clientAuthMethod ${method} (RFC 8705)` });
  }
  if (def.certificate && !def.privateKey) {
    issues.push({ path: ['privateKey'], message: 'is required with certificate (the TLS client key)' });
  }
  if (def.privateKey && !def.certificate) {
    issues.push({ path: ['certificate'], message: 'is required with privateKey (the TLS client certificate)' });
  }
  if (method === undefined && options.clientRequired && !def.clientSecret && !def.certificate) {
    issues.push({ path: ['clientSecret'], message: 'set clientSecret, or certificate and privateKey for mTLS' });
  }
  const jwt = method === 'client_secret_jwt' || (method === undefined && def.issuer !== undefined);
  if (def.algorithm && !jwt) {
    issues.push({ path: ['algorithm'], message: 'is used only with clientAuthMethod client_secret_jwt' });
  }
  return issues;
}
