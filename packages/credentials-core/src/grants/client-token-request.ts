import { TokenResponseInvalidError } from '../errors.js';
import { requestToken, type TokenRequest } from '../http/token-request.js';
import { certificateBinding } from './client-auth/certificate-binding.js';
import type { ClientAuthentication, PreparedClient } from './client-auth/client-authentication.js';
import type { GrantContext, GrantResult } from './grant.js';

/**
 * A token request authenticated by a {@link ClientAuthentication}: the
 * endpoint, connection and method are resolved once per mint, the form
 * (`form(prepared)`) and the client's credentials once per attempt. The
 * result says which endpoint answered and whether the token is bound to
 * the presented certificate; a JWT token bound to another certificate is
 * refused.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 */
export async function clientTokenRequest(
  client: ClientAuthentication,
  ctx: GrantContext,
  options: {
    timeoutMs: number;
    allowNone: boolean;
    form: (prepared: PreparedClient) => Promise<URLSearchParams>;
    checkBody?: TokenRequest['checkBody'];
  },
): Promise<GrantResult> {
  const prepared = await client.prepare({ allowNone: options.allowNone });
  const result = await requestToken(
    {
      credential: ctx.credential,
      endpoint: prepared.endpoint,
      timeoutMs: options.timeoutMs,
      ...(prepared.dispatcher ? { dispatcher: prepared.dispatcher } : {}),
      ...(options.checkBody ? { checkBody: options.checkBody } : {}),
      prepare: async () => {
        const form = await options.form(prepared);
        const headers: Record<string, string> = {};
        await prepared.auth(form, headers);
        return { form, headers };
      },
    },
    ctx,
  );
  const binding = certificateBinding(result.accessToken, prepared);
  if ('mismatch' in binding) {
    throw new TokenResponseInvalidError(
      'the access token is bound (cnf x5t#S256) to another certificate than the one presented: it could not be used',
      { credential: ctx.credential, endpoint: prepared.endpoint },
    );
  }
  return { ...result, endpoint: prepared.endpoint, ...binding };
}
