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
  const grant: Grant = { mint: async () => clientTokenRequest(client, ctx, await mint()) };
  if (options.presentsTls) grant.clientTls = () => client.clientTls();
  return grant;
}
