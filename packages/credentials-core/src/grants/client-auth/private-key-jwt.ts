import type { ClientAuth } from './client-auth.js';

/** RFC 7523 section 2.2 client assertion type. */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt`: the client authenticates with a signed JWT assertion.
 * `makeAssertion` is called per request, so each carries a fresh `jti`.
 * Also the carrier of `client_secret_jwt`, whose assertion is MACed instead.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export function privateKeyJwt(clientId: string, makeAssertion: () => Promise<string>): ClientAuth {
  return async (form) => {
    form.set('client_id', clientId);
    form.set('client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE);
    form.set('client_assertion', await makeAssertion());
  };
}
