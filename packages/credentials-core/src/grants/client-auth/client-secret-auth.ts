import type { ClientAuth } from './client-auth.js';
import { clientSecretBasic } from './client-secret-basic.js';
import { clientSecretPost } from './client-secret-post.js';

/**
 * The client authentication a `clientAuthMethod` of the two plain secret
 * methods names.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretAuth(
  method: 'client_secret_basic' | 'client_secret_post',
  clientId: string,
  clientSecret: string,
): ClientAuth {
  return method === 'client_secret_post'
    ? clientSecretPost(clientId, clientSecret)
    : clientSecretBasic(clientId, clientSecret);
}
