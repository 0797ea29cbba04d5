import {
  CredflowError,
  TokenEndpointError,
  TokenHttpStatusError,
  TokenNetworkError,
  TokenTimeoutError,
} from '../../errors.js';
import { MAX_SERVER_WAIT_MS } from '../../http/retry-policy.js';
import { serverText } from '../../http/server-text.js';
import type { GitHubAppDefinition } from './github-app-fields.js';
import { isJwtTimeRefusal } from './github-clock.js';
import { gitHubMessage, type OctokitError, rawMessage } from './octokit-error.js';

/** Where and when a GitHub request failed, for its error message. */
export interface FailedRequest {
  credential: string;
  /** The URL of the latest request. */
  endpoint: string;
  /** The installation of the latest request, when it had one. */
  installationId?: number | undefined;
  /** Seconds GitHub's clock is ahead of the local one, as measured. */
  skewS: number;
  /** Wall clock, epoch ms. */
  wallNow: number;
  /** Store option `retry.maxRetryAfterMs`. */
  maxRetryAfterMs: number;
}

/** `appId 12345` or `clientId Iv23...`, for messages. */
function who(def: GitHubAppDefinition): string {
  return def.clientId ? `clientId ${def.clientId}` : `appId ${def.appId}`;
}

/** A rate-limit wait over `retry.maxRetryAfterMs`: fail now, saying when to retry, instead of sleeping. */
export function rateLimitedError(err: unknown, why: string, waitMs: number, req: FailedRequest): Error {
  const e = err as OctokitError;
  const message = gitHubMessage(e);
  const atMs = req.wallNow + Math.min(waitMs, MAX_SERVER_WAIT_MS);
  const at = new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cap = req.maxRetryAfterMs;
  return new TokenHttpStatusError(
    `GitHub is rate limiting this app (${why}${message ? `: ${message}` : ''}): retry after ${at} (in ${Math.ceil(waitMs / 1000)} s); credflow waits at most ${cap % 1000 === 0 ? `${cap / 1000} s` : `${cap} ms`} (store option retry.maxRetryAfterMs)`,
    { credential: req.credential, endpoint: req.endpoint, ...(e.status ? { status: e.status } : {}) },
  );
}

/**
 * A failed GitHub request as a credflow error: what GitHub said (at most
 * 200 characters of its `message`), and what to check (the clock, the
 * app's key, the installation, the narrowed permissions).
 */
export function gitHubAppError(err: unknown, attempts: number, def: GitHubAppDefinition, req: FailedRequest): Error {
  if (err instanceof TokenEndpointError && err.code === 'ERR_TOKEN_TIMEOUT' && attempts > 1) {
    return new TokenTimeoutError(`GitHub request timed out (timeout ${def.timeout} ms) after ${attempts} attempts`, {
      credential: err.credential,
      endpoint: err.endpoint,
    });
  }
  if (err instanceof CredflowError) return err;
  const e = err as OctokitError;
  // octokit reports a failed fetch (refused, timed out) as a 500 without a response.
  const status = e.response ? e.status : undefined;
  const ghMessage = gitHubMessage(e);
  const installationId = req.installationId;
  const where = {
    credential: req.credential,
    endpoint: req.endpoint,
    ...(status ? { status } : {}),
  };
  const said = ghMessage ? `: ${ghMessage}` : '';
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (status === 401 && isJwtTimeRefusal(rawMessage(e))) {
    return new TokenHttpStatusError(
      `GitHub refused the app JWT's time claims (HTTP 401${said}) although it was dated by GitHub's clock (${req.skewS} s from the local clock): check the local clock (NTP)${def.signer ? ` and that signer '${def.signer}' signs what it is given` : ''}`,
      where,
    );
  }
  if (status === 401) {
    return new TokenHttpStatusError(
      `GitHub rejected the app's credentials (HTTP 401${said}): check ${who(def)} and that ${def.signer ? `signer '${def.signer}' signs with` : 'privateKey is'} that app's key`,
      where,
    );
  }
  if ((status === 404 || status === 410) && installationId !== undefined) {
    return new TokenHttpStatusError(
      def.owner
        ? `GitHub App ${def.clientId ?? def.appId} has no installation ${installationId} any more (HTTP ${status}${said}), although owner '${def.owner}' named it: the app was uninstalled or reinstalled; the next mint looks the owner up again`
        : `GitHub App ${def.clientId ?? def.appId} has no installation ${installationId} (HTTP ${status}${said}): check installationId, or that the app is installed`,
      where,
    );
  }
  if (status === 422) {
    return new TokenHttpStatusError(
      `GitHub refused the narrowed token (HTTP 422${said}): the installation lacks the requested permissions or repositories`,
      where,
    );
  }
  if (status) return new TokenHttpStatusError(`GitHub answered HTTP ${status}${said}${after}`, where);
  const timedOut = /timeout|aborted/i.test(`${e.message} ${(err as { name?: string }).name}`);
  return new (timedOut ? TokenTimeoutError : TokenNetworkError)(
    timedOut ? `GitHub request timed out${after}` : `cannot reach GitHub (${serverText(e.message, 120)})${after}`,
    where,
  );
}
