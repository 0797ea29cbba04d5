import type { ClientAuth } from './client-auth.js';

/**
 * `client_secret_post`: the client id and secret in the request body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretPost(clientId: string, clientSecret: string): ClientAuth {
  return (form) => {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  };
}
