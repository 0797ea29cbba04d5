import type { ClientAuth } from './client-auth.js';

/**
 * `none`: a public client, only `client_id` in the body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.1
 */
export function noClientAuth(clientId?: string): ClientAuth {
  return (form) => {
    if (clientId) form.set('client_id', clientId);
  };
}
