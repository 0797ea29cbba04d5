import { setTimeout as sleep } from 'node:timers/promises';
import { CredflowError, SignerError, TokenHttpStatusError, TokenResponseInvalidError } from '../../errors.js';
import { type GitHubRetryAdvice, gitHubRetryAdvice } from '../../http/github-rate-limit.js';
import { type OctokitFetch, octokitFetch } from '../../http/octokit-fetch.js';
import { backoffDelay } from '../../http/retry-policy.js';
import { sentCredentials } from '../../http/sent-credentials.js';
import { signWithExternal } from '../../keys/external-signer.js';
import { importPrivateKey } from '../../keys/private-key.js';
import { defineGrantType, type Grant, type GrantContext, type GrantResult } from '../grant.js';
import { type FailedRequest, gitHubAppError, rateLimitedError } from './github-app-errors.js';
import { type GitHubAppDefinition, gitHubAppFields, gitHubAppIssues } from './github-app-fields.js';
import { clockOffsetSeconds, isJwtTimeRefusal, MAX_CLOCK_OFFSET_S } from './github-clock.js';
import { type OctokitError, ownError, rawMessage } from './octokit-error.js';
import { loadLibs } from './octokit-libs.js';
import type { AppAuth } from './octokit-types.js';

/**
 * GitHub App installation access tokens, minted with `@octokit/auth-app`.
 * credflow's cache is the only cache: octokit's own is switched off, and
 * the lifetime comes from the returned `expires_at`.
 * @see https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
export const gitHubAppGrantType = defineGrantType<GitHubAppDefinition>({
  type: 'github_app',
  get fields() {
    return gitHubAppFields();
  },
  sensitiveFields: ['privateKey'],
  validate: gitHubAppIssues,
  endpoint: (def) => `${def.baseUrl}/app/installations/${def.installationId ?? `{${def.owner}}`}/access_tokens`,
  create: (def, ctx) => new GitHubAppGrant(def, ctx),
});

/**
 * How long an installation id found by `owner` is trusted (1 hour): after
 * that the next mint looks the owner up again, so an app reinstalled on the
 * account (a new id) is found even when no token request failed. A
 * configured `installationId` is never looked up nor dropped.
 */
export const INSTALLATION_LOOKUP_TTL_MS = 3_600_000;

class GitHubAppGrant implements Grant {
  readonly #def: GitHubAppDefinition;
  readonly #ctx: GrantContext;
  /** Every request of this grant: the credential's timeout, 1 MiB cap, no redirects. */
  readonly #fetch: OctokitFetch;
  /** The installation id found by `owner`, and when (monotonic ms); never a configured one. */
  #found: { id: number; at: number } | undefined;
  /** The installation and URL of the latest request, for messages. */
  #last: { installationId: number | undefined; endpoint: string };
  /**
   * Seconds GitHub's clock is ahead of the local wall clock (negative:
   * behind), measured from the `Date` of an answer refusing a JWT's time
   * claims; every later app JWT is dated by it.
   */
  #skewS = 0;
  #auth: { key: string; auth: AppAuth } | undefined;

  constructor(def: GitHubAppDefinition, ctx: GrantContext) {
    this.#def = def;
    this.#ctx = ctx;
    this.#last = { installationId: def.installationId, endpoint: this.#endpoint(def.installationId) };
    const send = octokitFetch(ctx.credential, def.timeout);
    // The app JWT octokit signs (and any token it sends) is reported before it leaves.
    this.#fetch = (url, init) => {
      for (const v of sentCredentials(new URLSearchParams(), init.headers ?? {})) ctx.sensitive(v);
      return send(url, init);
    };
  }

  /**
   * Mints with retries: network errors, timeouts, 5xx and rate limits
   * (429, and 403 with GitHub's rate-limit signs) are retried up to
   * `retry.maxAttempts`, waiting what GitHub asks ({@link gitHubRetryAdvice})
   * but never longer than `retry.maxRetryAfterMs`: a longer wait fails at
   * once, saying when to retry. A JWT refused for its time claims is
   * re-sent once, dated by GitHub's clock.
   */
  async mint(): Promise<GrantResult> {
    const { retry, logger, credential } = this.#ctx;
    let skewCorrected = false;
    for (let attempt = 1; ; ) {
      try {
        return await this.#mintOnce();
      } catch (caught) {
        // octokit wraps what our fetch throws: take ours back out.
        const err = ownError(caught) ?? caught;
        if (!skewCorrected && this.#measureSkew(err)) {
          skewCorrected = true;
          continue;
        }
        const advice = this.#advice(err);
        if (advice.kind === 'transient' && advice.waitMs > retry.maxRetryAfterMs) {
          throw rateLimitedError(err, advice.why, advice.waitMs, this.#failed());
        }
        if (advice.kind === 'permanent' || attempt >= retry.maxAttempts)
          throw gitHubAppError(err, attempt, this.#def, this.#failed());
        const delay = Math.max(backoffDelay(retry, attempt), advice.waitMs);
        logger.warn(
          `credential '${credential}': GitHub request failed (${advice.why}), retry ${attempt}/${retry.maxAttempts - 1} in ${Math.round(delay)} ms`,
        );
        await sleep(delay);
        attempt++;
      }
    }
  }

  /** Whether a failure is worth another attempt, and how long GitHub asks to wait. */
  #advice(err: unknown): GitHubRetryAdvice {
    if (err instanceof CredflowError) {
      return err.code === 'ERR_TOKEN_TIMEOUT'
        ? { kind: 'transient', waitMs: 0, why: 'timed out' }
        : { kind: 'permanent' };
    }
    const e = err as OctokitError;
    // octokit reports a failed fetch (refused, reset) as a 500 without a response.
    if (!e.response || e.status === undefined) return { kind: 'transient', waitMs: 0, why: 'network error' };
    return gitHubRetryAdvice(e.status, e.response.headers ?? {}, rawMessage(e), this.#ctx.clock.wallNow());
  }

  /**
   * On a 401 refusing the app JWT's `iat`/`exp`, takes GitHub's clock from
   * the answer's `Date` and keeps the difference for every later JWT (both
   * octokit's signer and an external one); `true` when it measured one, so
   * the mint is re-sent (once). octokit corrects this only in `auth.hook`,
   * which credflow does not use (it calls `auth()`), and its check misses
   * some of GitHub's messages.
   */
  #measureSkew(err: unknown): boolean {
    const e = err as OctokitError;
    if (err instanceof CredflowError || e.status !== 401 || !isJwtTimeRefusal(rawMessage(e))) return false;
    const offset = clockOffsetSeconds(e.response?.headers?.date, this.#ctx.clock.wallNow());
    if (offset === undefined) return false;
    if (Math.abs(offset) > MAX_CLOCK_OFFSET_S) {
      // Not corrected: the refusal surfaces, and its error says to check the clock.
      this.#ctx.logger.warn(
        `credential '${this.#ctx.credential}': GitHub refused the app JWT's time claims (HTTP 401) and its Date header is ${Math.abs(offset)} s ${offset >= 0 ? 'ahead of' : 'behind'} the local clock, more than the ${MAX_CLOCK_OFFSET_S} s credflow corrects for: synchronise the local clock (NTP), or check what answers at ${this.#def.baseUrl}`,
      );
      return false;
    }
    this.#skewS = offset;
    this.#ctx.logger.warn(
      `credential '${this.#ctx.credential}': GitHub refused the app JWT's time claims (HTTP 401); GitHub's clock (its Date header) is ${Math.abs(offset)} s ${offset >= 0 ? 'ahead of' : 'behind'} the local clock: app JWTs are dated by GitHub's clock from now on (synchronise the local clock, e.g. with NTP)`,
    );
    return true;
  }

  /** The JWT issuer: the client id when given (GitHub's recommendation), else the app id. */
  get #issuer(): string {
    return this.#def.clientId ?? this.#def.appId ?? '';
  }

  /**
   * octokit's app auth, made again when the key or the clock correction
   * changes. octokit's own signer dates JWTs by `Date.now()` plus
   * `timeDifference`, so the difference between the grant's clock and
   * `Date.now()` is added to GitHub's offset; the external signer gets
   * GitHub's offset alone and dates by the grant's clock.
   */
  async #appAuth(): Promise<AppAuth> {
    const def = this.#def;
    const pem = def.privateKey ? await this.#ctx.secrets.resolve(def.privateKey) : `signer:${def.signer}`;
    const timeDifference = def.privateKey
      ? this.#skewS + Math.round((this.#ctx.clock.wallNow() - Date.now()) / 1000)
      : this.#skewS;
    const key = `${timeDifference}\u0000${pem}`;
    if (this.#auth?.key === key) return this.#auth.auth;
    // Check the key ourselves first: clearer errors, never quoting it.
    if (def.privateKey) importPrivateKey(pem, 'RS256', this.#ctx.credential);
    const { createAppAuth, request: octokitRequest } = await loadLibs();
    const request = octokitRequest.defaults({
      baseUrl: def.baseUrl,
      headers: { 'user-agent': 'credflow' },
      request: { fetch: this.#fetch },
    });
    const auth = createAppAuth({
      appId: this.#issuer,
      ...(def.privateKey ? { privateKey: pem.trim().replace(/\\n/g, '\n') } : { createJwt: this.#createJwt() }),
      request,
      timeDifference,
    });
    this.#auth = { key, auth };
    return auth;
  }

  /**
   * octokit's `createJwt` backed by the host's signer: GitHub's app JWT
   * (RS256, `iss`, `iat` 30 s in the past, 10 minutes of life) signed by a
   * KMS or HSM, dated by the grant's clock plus `timeDifference` (seconds
   * GitHub's clock is ahead).
   * @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
   */
  #createJwt() {
    const ctx = this.#ctx;
    const name = this.#def.signer ?? '';
    return async (iss: string | number, timeDifference = 0) => {
      const signer = ctx.signer?.(name);
      if (!signer) {
        throw new SignerError(
          ctx.credential,
          name,
          'is not registered with the store (CredentialStore option `signers`)',
        );
      }
      if (signer.algorithm !== 'RS256') {
        throw new SignerError(ctx.credential, name, `signs ${signer.algorithm}, but GitHub App JWTs are RS256`);
      }
      const iat = Math.floor(ctx.clock.wallNow() / 1000) + timeDifference - 30;
      const exp = iat + 600;
      const jwt = await signWithExternal(signer, name, ctx.credential, { typ: 'JWT' }, { iat, exp, iss });
      return { jwt, expiresAt: new Date(exp * 1000).toISOString() };
    };
  }

  /**
   * One mint. With `owner`, the installation id found earlier is used while
   * it is younger than {@link INSTALLATION_LOOKUP_TTL_MS}; when its token
   * request answers 404 or 410 (app uninstalled, or reinstalled under a new
   * id) the id is dropped, looked up once more and the request re-sent.
   */
  async #mintOnce(): Promise<GrantResult> {
    const auth = await this.#appAuth();
    if (this.#def.installationId !== undefined) return this.#requestToken(auth, this.#def.installationId);
    for (;;) {
      const cached = this.#cachedInstallation();
      const installationId = cached ?? (await this.#lookUpInstallation(auth));
      try {
        return await this.#requestToken(auth, installationId);
      } catch (err) {
        const status = ownError(err) ? undefined : (err as OctokitError).status;
        if (status !== 404 && status !== 410) throw err;
        this.#found = undefined;
        if (cached === undefined) throw err;
        this.#ctx.logger.warn(
          `credential '${this.#ctx.credential}': installation ${installationId} of owner '${this.#def.owner}' is gone (HTTP ${status}); looking the owner's installation up again`,
        );
      }
    }
  }

  /** The id found by `owner` while it is fresh; forgets a stale one. */
  #cachedInstallation(): number | undefined {
    if (this.#found && this.#ctx.clock.now() - this.#found.at < INSTALLATION_LOOKUP_TTL_MS) return this.#found.id;
    this.#found = undefined;
    return undefined;
  }

  /** `POST /app/installations/{id}/access_tokens`, narrowed as configured. */
  async #requestToken(auth: AppAuth, installationId: number): Promise<GrantResult> {
    this.#last = { installationId, endpoint: this.#endpoint(installationId) };
    const sentAt = this.#ctx.clock.now();
    const sentAtWall = this.#ctx.clock.wallNow();
    const result = await auth({
      type: 'installation',
      installationId,
      refresh: true,
      ...(this.#def.repositories ? { repositoryNames: this.#def.repositories } : {}),
      ...(this.#def.permissions ? { permissions: this.#def.permissions } : {}),
    });
    const expiresAt = new Date(result.expiresAt);
    if (!result.token || Number.isNaN(expiresAt.getTime())) {
      throw new TokenResponseInvalidError('GitHub answered without token or expires_at', {
        credential: this.#ctx.credential,
        endpoint: this.#last.endpoint,
      });
    }
    return {
      accessToken: result.token,
      tokenType: 'Bearer',
      expiresAt,
      scopes: Object.entries(result.permissions ?? {}).map(([k, v]) => `${k}:${v}`),
      sentAt,
      sentAtWall,
    };
  }

  /** `GET /orgs/{owner}/installation`, then `/users/{owner}/installation`; the id is kept for the TTL. */
  async #lookUpInstallation(auth: AppAuth): Promise<number> {
    const owner = this.#def.owner ?? '';
    const { token } = await auth({ type: 'app' });
    const { request: octokitRequest } = await loadLibs();
    const request = octokitRequest.defaults({
      baseUrl: this.#def.baseUrl,
      headers: { authorization: `bearer ${token}`, 'user-agent': 'credflow' },
      request: { fetch: this.#fetch },
    });
    for (const kind of ['orgs', 'users'] as const) {
      this.#last = { installationId: undefined, endpoint: `${this.#def.baseUrl}/${kind}/${owner}/installation` };
      try {
        const { data } = await request(`GET /${kind}/{owner}/installation`, { owner });
        const id = (data as { id?: unknown } | undefined)?.id;
        if (typeof id === 'number') {
          this.#found = { id, at: this.#ctx.clock.now() };
          return id;
        }
      } catch (err) {
        if ((err as OctokitError).status !== 404 || ownError(err)) throw err;
      }
    }
    throw new TokenHttpStatusError(
      `GitHub App ${this.#def.clientId ?? this.#def.appId} has no installation for owner '${owner}' (HTTP 404): install the app on that organisation or user account, or set installationId`,
      { credential: this.#ctx.credential, endpoint: `${this.#def.baseUrl}/orgs/${owner}/installation`, status: 404 },
    );
  }

  /** The latest request, for an error message. */
  #failed(): FailedRequest {
    return {
      credential: this.#ctx.credential,
      endpoint: this.#last.endpoint,
      installationId: this.#last.installationId,
      skewS: this.#skewS,
      wallNow: this.#ctx.clock.wallNow(),
      maxRetryAfterMs: this.#ctx.retry.maxRetryAfterMs,
    };
  }

  #endpoint(installationId: number | undefined): string {
    return `${this.#def.baseUrl}/app/installations/${installationId ?? '?'}/access_tokens`;
  }
}
