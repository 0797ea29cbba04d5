import type { ClientAuth } from './client-auth.js';

/** `application/x-www-form-urlencoded` encoding of one value (WHATWG URL). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * `client_secret_basic`: HTTP Basic with the client id and secret each
 * form-encoded first (so a `:` or a non-ASCII character in either survives).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretBasic(clientId: string, clientSecret: string): ClientAuth {
  const credentials = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  return (_form, headers) => {
    headers.authorization = `Basic ${credentials}`;
  };
}
