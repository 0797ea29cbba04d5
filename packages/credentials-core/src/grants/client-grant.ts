import type { ClientAuthentication } from './client-auth/client-authentication.js';
import { clientTokenRequest } from './client-token-request.js';
import type { Grant, GrantContext } from './grant.js';

/** What one mint of a {@link clientGrant} sends (the third argument of `clientTokenRequest`). */
export type ClientMintOptions = Parameters<typeof clientTokenRequest>[2];

/**
 * A grant whose token request a {@link ClientAuthentication} authenticates
 * (`client_credentials`, `private_key_jwt`, `token_exchange`): each mint
 * asks `mint()` for its form (what is read once per mint is read there),
 * and (`presentsTls`) the grant presents the client's TLS identity, when it
 * has one, to calls that use a certificate-bound token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 */
export function clientGrant(
  client: ClientAuthentication,
  ctx: GrantContext,
  mint: () => ClientMintOptions | Promise<ClientMintOptions>,
  options: { presentsTls: boolean } = { presentsTls: true },
): Grant {
  const grant: Grant = {
    mint: () => {
      try {
        // Awaited only when the grant reads something first (a subject token): one async step fewer per mint.
        const options = mint();
        return options instanceof Promise
          ? options.then((o) => clientTokenRequest(client, ctx, o))
          : clientTokenRequest(client, ctx, options);
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
  if (options.presentsTls) grant.clientTls = () => client.clientTls();
  return grant;
}
