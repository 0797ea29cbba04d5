/**
 * Client authentication: a function that adds the client's credentials to
 * a token request's form body and headers. Grants do not know which one
 * they were given (the oauth4webapi pattern).
 */
export type ClientAuth = (form: URLSearchParams, headers: Record<string, string>) => void | Promise<void>;

/** `application/x-www-form-urlencoded` encoding of one value (WHATWG URL). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * HTTP Basic with the client id and secret each form-encoded first.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretBasic(clientId: string, clientSecret: string): ClientAuth {
  const credentials = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  return (_form, headers) => {
    headers.authorization = `Basic ${credentials}`;
  };
}

/**
 * Client id and secret in the request body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretPost(clientId: string, clientSecret: string): ClientAuth {
  return (form) => {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  };
}

/** The client authentication a `clientAuthMethod` names. */
export function clientSecretAuth(
  method: 'client_secret_basic' | 'client_secret_post',
  clientId: string,
  clientSecret: string,
): ClientAuth {
  return method === 'client_secret_post'
    ? clientSecretPost(clientId, clientSecret)
    : clientSecretBasic(clientId, clientSecret);
}

/** Public client: only `client_id` in the body (RFC 6749 section 2.1). */
export function noClientAuth(clientId?: string): ClientAuth {
  return (form) => {
    if (clientId) form.set('client_id', clientId);
  };
}

/** RFC 7523 section 2.2 client assertion type. */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt`: the client authenticates with a signed JWT assertion.
 * `makeAssertion` is called per request, so each carries a fresh `jti`.
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
