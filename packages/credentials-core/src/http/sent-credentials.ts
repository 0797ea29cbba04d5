import { authorizationSecrets } from '../redact.js';

/**
 * Form fields that carry a client secret, an assertion or a token (RFC 6749
 * section 2.3.1, RFC 7523 sections 2.1 and 2.2, RFC 8693 section 2.1).
 */
const CREDENTIAL_FIELDS = ['client_secret', 'client_assertion', 'assertion', 'subject_token', 'actor_token'];
const AUTHORIZATION_HEADERS = ['authorization', 'proxy-authorization'];

/**
 * The {@link authorizationSecrets} of the last `Authorization` value one
 * sender (a credential's token requests) sent: a credential sends the same
 * `client_secret_basic` header mint after mint, so it is taken apart once.
 * One entry, keyed by the header value itself and replaced when it changes
 * (a rotated secret): it never holds more than the header last sent.
 */
export class AuthorizationMemo {
  #header: string | undefined;
  #values: readonly string[] = [];

  /** `authorizationSecrets(header)`, taken apart again only when `header` is not the last one. */
  secrets(header: string): readonly string[] {
    if (header !== this.#header) {
      this.#values = authorizationSecrets(header);
      this.#header = header;
    }
    return this.#values;
  }
}

/**
 * The values of a token request that are credentials, as they leave: the
 * secret and assertion form fields, and each `Authorization` header with its
 * credentials and, for `Basic`, the decoded `client_id:client_secret` pair.
 * Whatever client authentication built the request, these are what a
 * server could echo back. `memo` (one per sender) spares taking the same
 * header apart at every request.
 */
export function sentCredentials(
  form: URLSearchParams,
  headers: Record<string, string>,
  memo?: AuthorizationMemo,
): string[] {
  const out: string[] = [];
  for (const field of CREDENTIAL_FIELDS) {
    if (form.has(field)) out.push(...form.getAll(field));
  }
  for (const name of Object.keys(headers)) {
    if (AUTHORIZATION_HEADERS.includes(name.toLowerCase())) {
      const value = headers[name] as string;
      out.push(...(memo ? memo.secrets(value) : authorizationSecrets(value)));
    }
  }
  return out;
}
