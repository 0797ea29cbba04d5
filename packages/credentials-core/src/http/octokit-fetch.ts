import {
  TokenEndpointError,
  TokenHttpStatusError,
  TokenNetworkError,
  TokenResponseInvalidError,
  TokenTimeoutError,
} from '../errors.js';
import { boundedRequest, isRedirect, MAX_RESPONSE_BYTES, safeUrl } from './bounded-request.js';

/** The part of `fetch` that `@octokit/request` calls. */
export type OctokitFetch = (url: string, init: OctokitFetchInit) => Promise<Response>;

export interface OctokitFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A `fetch` for `@octokit/request` built on {@link boundedRequest}: every
 * request octokit makes for a credential (app JWT, owner lookup, token)
 * gets the credential's timeout, the 1 MiB response cap, and no redirects:
 * a 3xx is an error naming the credential and the endpoint (origin and
 * path; never the `Location` or a query string). These errors are
 * {@link TokenEndpointError}s, which octokit hands back as the `cause` of its
 * own error.
 */
export function octokitFetch(credential: string, timeoutMs: number): OctokitFetch {
  return async (url, init) => {
    const endpoint = safeUrl(url);
    const where = { credential, endpoint };
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') {
      throw new TokenNetworkError(`unexpected GitHub request method ${method.slice(0, 10)}`, where);
    }
    if (init.body !== undefined && typeof init.body !== 'string') {
      throw new TokenNetworkError('unexpected GitHub request body', where);
    }
    const outcome = await boundedRequest(url, {
      method,
      headers: init.headers ?? {},
      ...(init.body !== undefined ? { body: init.body } : {}),
      timeoutMs,
    });
    if (outcome.kind === 'refused') {
      throw new TokenNetworkError(`refused to send a GitHub request: ${outcome.reason}`, where);
    }
    if (outcome.kind === 'timeout') {
      throw new TokenTimeoutError(`GitHub request timed out (timeout ${timeoutMs} ms)`, where);
    }
    if (outcome.status < 200 || outcome.status > 599) {
      throw new TokenHttpStatusError(`GitHub answered HTTP ${outcome.status}`, {
        ...where,
        status: outcome.status,
      });
    }
    if (isRedirect(outcome.status)) {
      throw new TokenHttpStatusError(
        `GitHub answered HTTP ${outcome.status}, a redirect: credflow never follows redirects when it sends credentials; set baseUrl to the API's final URL`,
        { ...where, status: outcome.status },
      );
    }
    if (outcome.tooLarge) {
      throw new TokenResponseInvalidError(
        `GitHub answered HTTP ${outcome.status} with a body over ${MAX_RESPONSE_BYTES / (1 << 20)} MiB (content-type ${outcome.contentType}): reading stopped there`,
        { ...where, status: outcome.status },
      );
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(outcome.headers)) if (v !== undefined) headers.set(k, v);
    const empty = outcome.status === 204 || outcome.status === 205 || outcome.status === 304;
    return new Response(empty ? null : new Uint8Array(outcome.body), { status: outcome.status, headers });
  };
}
