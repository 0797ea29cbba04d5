import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Logger } from '../clock.js';
import {
  OAuthResponseError,
  type TokenEndpointError,
  TokenHttpStatusError,
  TokenNetworkError,
  TokenResponseInvalidError,
  TokenTimeoutError,
} from '../errors.js';
import { type BoundedOutcome, type BoundedRequest, boundedRequest, isRedirect } from './bounded-request.js';
import type { GrantResult } from './grant-result.js';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
import { AuthorizationMemo, sentCredentials } from './sent-credentials.js';
import { serverText } from './server-text.js';
import { checkTokenResponse, type TokenResponse } from './token-response.js';

/** A token request: a form POST to the token endpoint (RFC 6749 section 3.2). */
export interface TokenRequest {
  credential: string;
  endpoint: string;
  /**
   * Builds the form body and headers; called once per attempt, so
   * per-request values (a JWT assertion's `jti`) are fresh on retries.
   * A promise only when something must be awaited (a signature, a read).
   */
  prepare(): TokenAttempt | Promise<TokenAttempt>;
  /** Per-attempt timeout in ms (connect, headers and body). */
  timeoutMs: number;
  /** Checks of a grant's own response fields (e.g. RFC 8693 `issued_token_type`); throws to refuse the answer. */
  checkBody?(body: Record<string, unknown>, where: { credential: string; endpoint: string; status: number }): void;
  /** The connection's dispatcher, e.g. one presenting a TLS client certificate (RFC 8705). */
  dispatcher?: import('undici').Dispatcher;
}

/** What one attempt of a token request sends. */
export interface TokenAttempt {
  form: URLSearchParams;
  headers: Record<string, string>;
}

export interface TokenRequestContext {
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  /** Hears every credential the request sends, before it is sent (for masking). */
  sensitive?: (value: string) => void;
}

/**
 * Sends a token request and checks the answer. Network failures, timeouts,
 * 5xx and 429 are retried with backoff, honouring `Retry-After`; RFC 6749
 * section 5.2 errors surface as {@link TokenEndpointError} with the RFC
 * fields. Messages never hold the request body or the response body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 */
export async function requestToken(req: TokenRequest, ctx: TokenRequestContext): Promise<GrantResult> {
  const where = { credential: req.credential, endpoint: req.endpoint };
  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt < ctx.retry.maxAttempts;
    const prepared = req.prepare();
    const { form, headers } = prepared instanceof Promise ? await prepared : prepared;
    if (ctx.sensitive !== undefined) {
      for (const v of sentCredentials(form, headers, memoOf(ctx))) ctx.sensitive(v);
    }
    const sentAt = ctx.clock.now();
    const sentAtWall = ctx.clock.wallNow();
    let outcome: Attempt;
    try {
      outcome = await send(req, form, headers);
    } catch (err) {
      outcome = { kind: 'network', error: err as Error };
    }
    if (outcome.kind === 'response' && (outcome.tooLarge || isRedirect(outcome.status))) {
      throw toError(outcome, where, '');
    }
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      const body = parseJson(outcome, where);
      const at = { credential: req.credential, endpoint: req.endpoint, status: outcome.status };
      const result = checkTokenResponse(body, at, ctx.logger) as TokenResponse &
        Pick<GrantResult, 'sentAt' | 'sentAtWall'>;
      req.checkBody?.(body as Record<string, unknown>, at);
      // checkTokenResponse made it for this request: completed in place, not copied.
      result.sentAt = sentAt;
      result.sentAtWall = sentAtWall;
      return result;
    }
    const transient =
      outcome.kind === 'timeout' ||
      (outcome.kind === 'network' && tlsFailure(outcome.error) === undefined) ||
      (outcome.kind === 'response' && (outcome.status === 429 || outcome.status >= 500));
    if (transient && canRetry) {
      let delay = backoffDelay(ctx.retry, attempt);
      if (outcome.kind === 'response') {
        const retryAfter = parseRetryAfter(outcome.headers['retry-after'], ctx.clock.wallNow());
        if (retryAfter !== undefined) {
          if (retryAfter > ctx.retry.maxRetryAfterMs) throw toError(outcome, where, ' (Retry-After too long to wait)');
          delay = Math.max(delay, retryAfter);
        }
      }
      ctx.logger.warn(
        `credential '${req.credential}': token request failed (${summary(outcome)}), retry ${attempt}/${ctx.retry.maxAttempts - 1} in ${Math.round(delay)} ms`,
      );
      await sleep(delay);
      continue;
    }
    throw toError(outcome, where, attempt > 1 ? ` after ${attempt} attempts` : '');
  }
}

type Attempt = BoundedOutcome | { kind: 'network'; error: Error };

/** Each context's (a credential's) {@link AuthorizationMemo}: its last Authorization header, taken apart. */
const memos = new WeakMap<TokenRequestContext, AuthorizationMemo>();

function memoOf(ctx: TokenRequestContext): AuthorizationMemo {
  let memo = memos.get(ctx);
  if (memo === undefined) {
    memo = new AuthorizationMemo();
    memos.set(ctx, memo);
  }
  return memo;
}

function send(req: TokenRequest, form: URLSearchParams, headers: Record<string, string>): Promise<BoundedOutcome> {
  // The grant's headers after credflow's, as a spread would put them (Object.assign: the same, without the spread's cost).
  const sent: Record<string, string> = Object.assign(
    { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'credflow' },
    headers,
  );
  const request: BoundedRequest = { method: 'POST', headers: sent, body: form.toString(), timeoutMs: req.timeoutMs };
  if (req.dispatcher) request.dispatcher = req.dispatcher;
  return boundedRequest(req.endpoint, request);
}

function parseJson(
  res: Extract<Attempt, { kind: 'response' }>,
  where: { credential: string; endpoint: string },
): unknown {
  try {
    // toString() decodes UTF-8 by default, without looking an encoding name up.
    return JSON.parse(res.body.toString());
  } catch {
    throw new TokenResponseInvalidError(
      `token endpoint answered HTTP ${res.status} with a body that is not JSON (content-type ${res.contentType}, ${res.body.length} bytes)`,
      { ...where, status: res.status },
    );
  }
}

function summary(a: Attempt): string {
  if (a.kind === 'timeout') return 'timed out';
  if (a.kind === 'refused') return 'not sent';
  if (a.kind === 'network') return networkReason(a.error);
  return `HTTP ${a.status}`;
}

function errorCode(err: Error): string {
  return (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? err.name;
}

function networkReason(err: Error): string {
  return tlsFailure(err) ?? `network error ${errorCode(err)}`;
}

/**
 * A TLS handshake failure in words, or `undefined` for other network errors.
 * Not retried: a certificate problem does not go away by asking again.
 */
export function tlsFailure(err: Error): string | undefined {
  const code = errorCode(err);
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code) && !/ALERT/.test(code)) {
    return `TLS error ${code}: the server's certificate is not trusted (for a private CA, set caCertificate)`;
  }
  if (/^ERR_SSL_|^ERR_TLS_|^EPROTO$/.test(code)) {
    return `TLS error ${code}: the TLS handshake failed (the server may have refused the client certificate)`;
  }
  return undefined;
}

function toError(a: Attempt, where: { credential: string; endpoint: string }, suffix: string): TokenEndpointError {
  if (a.kind === 'refused') {
    // Never sent (SPEC section 3), so never retried: a discovered endpoint off loopback over plain http, say.
    return new TokenNetworkError(`refused to send the token request: ${a.reason}`, where);
  }
  if (a.kind === 'timeout') {
    return new TokenTimeoutError(`token request timed out${suffix}`, where);
  }
  if (a.kind === 'network') {
    return new TokenNetworkError(`cannot reach the token endpoint: ${networkReason(a.error)}${suffix}`, {
      ...where,
      cause: a.error,
    });
  }
  if (a.tooLarge) {
    return new TokenResponseInvalidError(
      `token endpoint answered HTTP ${a.status} with a body over 1 MiB (content-type ${a.contentType}): reading stopped there`,
      { ...where, status: a.status },
    );
  }
  if (isRedirect(a.status)) {
    return new TokenHttpStatusError(
      `token endpoint answered HTTP ${a.status}, a redirect: credflow never follows redirects when it sends credentials; configure the final URL`,
      { ...where, status: a.status },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(a.body.toString('utf8'));
  } catch {
    body = undefined;
  }
  const e = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  if (e && typeof e.error === 'string') {
    // RFC 6749 section 5.2 error response.
    // Server text is shown whole or not at all (never cut inside an echoed secret); maskers hide what was sent.
    const description = typeof e.error_description === 'string' ? serverText(e.error_description, 1000) : undefined;
    // invalid_client after a config that parses is most often a secret stored wrongly (plain text in
    // a base64 env variable, a trailing newline in a file): say where to look.
    const hint =
      e.error === 'invalid_client'
        ? ": check the client id, and the secret's (or key's) value and encoding (env secrets are base64 unless the provider has encoding: plain)"
        : '';
    return new OAuthResponseError(
      `token endpoint rejected the request: ${serverText(e.error, 100)}${description ? ` (${description})` : ''} [HTTP ${a.status}]${suffix}${hint}`,
      {
        ...where,
        status: a.status,
        error: e.error,
        error_description: description,
        error_uri: typeof e.error_uri === 'string' ? e.error_uri : undefined,
      },
    );
  }
  return new TokenHttpStatusError(`token endpoint answered HTTP ${a.status} (content-type ${a.contentType})${suffix}`, {
    ...where,
    status: a.status,
  });
}
