import { TokenResponseInvalidError } from '../errors.js';
import { requestToken, type TokenAttempt, type TokenRequest } from '../http/token-request.js';
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
    /** The attempt's form; a promise only when something must be awaited. */
    form: (prepared: PreparedClient) => URLSearchParams | Promise<URLSearchParams>;
    checkBody?: TokenRequest['checkBody'];
  },
): Promise<GrantResult> {
  const prepared = await client.prepare({ allowNone: options.allowNone });
  const request: TokenRequest = {
    credential: ctx.credential,
    endpoint: prepared.endpoint,
    timeoutMs: options.timeoutMs,
    prepare: () => {
      const form = options.form(prepared);
      return form instanceof Promise ? form.then((f) => authenticated(f, prepared)) : authenticated(form, prepared);
    },
  };
  if (prepared.dispatcher) request.dispatcher = prepared.dispatcher;
  if (options.checkBody) request.checkBody = options.checkBody;
  const result = await requestToken(request, ctx);
  const binding = certificateBinding(result.accessToken, prepared);
  if ('mismatch' in binding) {
    throw new TokenResponseInvalidError(
      'the access token is bound (cnf x5t#S256) to another certificate than the one presented: it could not be used',
      { credential: ctx.credential, endpoint: prepared.endpoint },
    );
  }
  // The token request made `result` for this mint: completed in place, not copied.
  result.endpoint = prepared.endpoint;
  return Object.assign(result, binding);
}

/** One attempt's form with the client's credentials added (headers, or form fields); awaited only when the method is asynchronous. */
function authenticated(form: URLSearchParams, prepared: PreparedClient): TokenAttempt | Promise<TokenAttempt> {
  const headers: Record<string, string> = {};
  const added = prepared.auth(form, headers);
  return added instanceof Promise ? added.then(() => ({ form, headers })) : { form, headers };
}
