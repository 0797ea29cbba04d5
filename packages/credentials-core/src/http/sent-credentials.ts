import { authorizationSecrets } from '../redact.js';

/**
 * Form fields that carry a client secret, an assertion or a token (RFC 6749
 * section 2.3.1, RFC 7523 sections 2.1 and 2.2, RFC 8693 section 2.1).
 */
const CREDENTIAL_FIELDS = ['client_secret', 'client_assertion', 'assertion', 'subject_token', 'actor_token'];
const AUTHORIZATION_HEADERS = ['authorization', 'proxy-authorization'];

/**
 * The values of a token request that are credentials, as they leave: the
 * secret and assertion form fields, and each `Authorization` header with its
 * credentials and, for `Basic`, the decoded `client_id:client_secret` pair.
 * Whatever client authentication built the request, these are what a
 * server could echo back.
 */
export function sentCredentials(form: URLSearchParams, headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const field of CREDENTIAL_FIELDS) out.push(...form.getAll(field));
  for (const [name, value] of Object.entries(headers)) {
    if (AUTHORIZATION_HEADERS.includes(name.toLowerCase())) out.push(...authorizationSecrets(value));
  }
  return out;
}
