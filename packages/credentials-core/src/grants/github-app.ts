import { setTimeout as sleep } from 'node:timers/promises';
import type { createAppAuth } from '@octokit/auth-app';
import { z } from 'zod';
import { endpointField, secretRefField } from '../config/fields.js';
import type { CredentialCommon } from '../config/types.js';
import { CredflowError, SignerError, TokenEndpointError } from '../errors.js';
import { type OctokitFetch, octokitFetch } from '../http/octokit-fetch.js';
import { backoffDelay } from '../http/retry-policy.js';
import { sentCredentials } from '../http/sent-credentials.js';
import { serverText } from '../http/server-text.js';
import { signWithExternal } from '../keys/external-signer.js';
import { importPrivateKey } from '../keys/private-key.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import { defineGrantType, type Grant, type GrantContext, type GrantResult } from './grant.js';
import { signingIssues } from './jwt-fields.js';

type Level = 'read' | 'write' | 'admin';

/** octokit loads on first use, so a CLI run that needs no GitHub token does not pay for it. */
let libs:
  | Promise<{
      createAppAuth: typeof createAppAuth;
      request: typeof import('@octokit/request').request;
    }>
  | undefined;
const loadLibs = () =>
  (libs ??= Promise.all([import('@octokit/auth-app'), import('@octokit/request')]).then(([a, r]) => ({
    createAppAuth: a.createAppAuth,
    request: r.request,
  })));

/** A validated `github_app` definition. */
export interface GitHubAppDefinition extends CredentialCommon {
  type: 'github_app';
  /** The numeric app id; or {@link clientId}. */
  appId?: string;
  /** The app's client id (`Iv23...`), which GitHub recommends as the JWT issuer. */
  clientId?: string;
  privateKey?: SecretRef;
  /** A host-provided signer's name (store option `signers`), instead of privateKey. */
  signer?: string;
  installationId?: number;
  owner?: string;
  repositories?: string[];
  permissions?: Record<string, Level>;
  baseUrl: string;
}

/**
 * GitHub App installation access tokens, minted with `@octokit/auth-app`.
 * credflow's cache is the only cache: octokit's own is switched off, and
 * the lifetime comes from the returned `expires_at`.
 * @see https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
export const gitHubAppGrantType = defineGrantType<GitHubAppDefinition>({
  type: 'github_app',
  fields: {
    appId: z
      .union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be the numeric app id')])
      .transform(String)
      .optional(),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be the app's client id (e.g. Iv23li...)")
      .optional(),
    privateKey: secretRefField.optional(),
    signer: z.string().min(1).max(100).optional(),
    installationId: z.number().int().positive().optional(),
    owner: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub organisation or user login')
      .optional(),
    repositories: z
      .array(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a repository name (without owner)'))
      .min(1)
      .optional(),
    permissions: z.record(z.string().regex(/^[a-z_]+$/), z.enum(['read', 'write', 'admin'])).optional(),
    baseUrl: endpointField.transform((u) => u.replace(/\/+$/, '')).prefault('https://api.github.com'),
  },
  sensitiveFields: ['privateKey'],
  validate: (def) => [
    ...signingIssues(def),
    ...(def.appId === undefined && def.clientId === undefined
      ? [{ path: ['appId'], message: 'set appId, or clientId (the JWT issuer GitHub recommends)' }]
      : []),
    ...(def.installationId === undefined && def.owner === undefined
      ? [{ path: ['installationId'], message: 'set installationId, or owner to look the installation up' }]
      : def.installationId !== undefined && def.owner !== undefined
        ? [{ path: ['owner'], message: 'set installationId or owner, not both' }]
        : []),
  ],
  endpoint: (def) => `${def.baseUrl}/app/installations/${def.installationId ?? `{${def.owner}}`}/access_tokens`,
  create: (def, ctx) => new GitHubAppGrant(def, ctx),
});

interface OctokitError {
  status?: number;
  response?: { data?: { message?: unknown } };
  message: string;
}

class GitHubAppGrant implements Grant {
  readonly #def: GitHubAppDefinition;
  readonly #ctx: GrantContext;
  /** Every request of this grant: the credential's timeout, 1 MiB cap, no redirects. */
  readonly #fetch: OctokitFetch;
  #installationId: number | undefined;
  #auth: { key: string; auth: ReturnType<typeof createAppAuth> } | undefined;

  constructor(def: GitHubAppDefinition, ctx: GrantContext) {
    this.#def = def;
    this.#ctx = ctx;
    this.#installationId = def.installationId;
    const send = octokitFetch(ctx.credential, def.timeout);
    // The app JWT octokit signs (and any token it sends) is reported before it leaves.
    this.#fetch = (url, init) => {
      for (const v of sentCredentials(new URLSearchParams(), init.headers ?? {})) ctx.sensitive(v);
      return send(url, init);
    };
  }

  async mint(): Promise<GrantResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#mintOnce();
      } catch (caught) {
        // octokit wraps what our fetch throws: take ours back out.
        const err = ownError(caught) ?? caught;
        const status = (err as OctokitError).status;
        const transient =
          err instanceof CredflowError
            ? err.code === 'ERR_TOKEN_TIMEOUT'
            : status === undefined || status >= 500 || status === 429;
        if (!transient || attempt >= this.#ctx.retry.maxAttempts) throw this.#toError(err, attempt);
        const delay = backoffDelay(this.#ctx.retry, attempt);
        this.#ctx.logger.warn(
          `credential '${this.#ctx.credential}': GitHub request failed (${status ? `HTTP ${status}` : 'network error'}), retry ${attempt}/${this.#ctx.retry.maxAttempts - 1} in ${Math.round(delay)} ms`,
        );
        await sleep(delay);
      }
    }
  }

  /** The JWT issuer: the client id when given (GitHub's recommendation), else the app id. */
  get #issuer(): string {
    return this.#def.clientId ?? this.#def.appId ?? '';
  }

  /** `appId 12345` or `clientId Iv23...`, for messages. */
  get #who(): string {
    return this.#def.clientId ? `clientId ${this.#def.clientId}` : `appId ${this.#def.appId}`;
  }

  async #appAuth() {
    const def = this.#def;
    const pem = def.privateKey ? await this.#ctx.secrets.resolve(def.privateKey) : `signer:${def.signer}`;
    if (this.#auth?.key === pem) return this.#auth.auth;
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
      // credflow's cache is the one cache: octokit keeps nothing.
      cache: { get: () => undefined, set: () => {} } as never,
      log: { warn: () => {} } as never,
    });
    this.#auth = { key: pem, auth };
    return auth;
  }

  /**
   * octokit's `createJwt` backed by the host's signer: GitHub's app JWT
   * (RS256, `iss`, `iat` 30 s in the past, 10 minutes of life) signed by a
   * KMS or HSM.
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

  async #mintOnce(): Promise<GrantResult> {
    const auth = await this.#appAuth();
    const installationId = this.#installationId ?? (await this.#lookUpInstallation(auth));
    const sentAt = this.#ctx.clock.now();
    const sentAtWall = this.#ctx.clock.wallNow();
    const result = (await auth({
      type: 'installation',
      installationId,
      refresh: true,
      ...(this.#def.repositories ? { repositoryNames: this.#def.repositories } : {}),
      ...(this.#def.permissions ? { permissions: this.#def.permissions } : {}),
    })) as { token: string; expiresAt: string; permissions?: Record<string, string> };
    const expiresAt = new Date(result.expiresAt);
    if (!result.token || Number.isNaN(expiresAt.getTime())) {
      throw new TokenEndpointError('ERR_TOKEN_RESPONSE_INVALID', 'GitHub answered without token or expires_at', {
        credential: this.#ctx.credential,
        endpoint: this.#endpoint(installationId),
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

  /** `GET /orgs/{owner}/installation`, then `/users/{owner}/installation`; the id is kept. */
  async #lookUpInstallation(auth: ReturnType<typeof createAppAuth>): Promise<number> {
    const owner = this.#def.owner ?? '';
    const { token } = (await auth({ type: 'app' })) as { token: string };
    const { request: octokitRequest } = await loadLibs();
    const request = octokitRequest.defaults({
      baseUrl: this.#def.baseUrl,
      headers: { authorization: `bearer ${token}`, 'user-agent': 'credflow' },
      request: { fetch: this.#fetch },
    });
    for (const route of ['GET /orgs/{owner}/installation', 'GET /users/{owner}/installation'] as const) {
      try {
        const { data } = await request(route as 'GET /orgs/{org}/installation', { owner } as never);
        const id = (data as { id?: unknown }).id;
        if (typeof id === 'number') {
          this.#installationId = id;
          return id;
        }
      } catch (err) {
        if ((err as OctokitError).status !== 404 || ownError(err)) throw err;
      }
    }
    throw new TokenEndpointError(
      'ERR_TOKEN_HTTP_STATUS',
      `GitHub App ${this.#def.clientId ?? this.#def.appId} has no installation for owner '${owner}' (HTTP 404): install the app on that organisation or user account, or set installationId`,
      { credential: this.#ctx.credential, endpoint: `${this.#def.baseUrl}/orgs/${owner}/installation`, status: 404 },
    );
  }

  #endpoint(installationId: number | undefined): string {
    return `${this.#def.baseUrl}/app/installations/${installationId ?? '?'}/access_tokens`;
  }

  #toError(err: unknown, attempts: number): Error {
    if (err instanceof TokenEndpointError && err.code === 'ERR_TOKEN_TIMEOUT' && attempts > 1) {
      return new TokenEndpointError(
        'ERR_TOKEN_TIMEOUT',
        `GitHub request timed out (timeout ${this.#def.timeout} ms) after ${attempts} attempts`,
        {
          credential: err.credential,
          endpoint: err.endpoint,
        },
      );
    }
    if (err instanceof CredflowError) return err;
    const e = err as OctokitError;
    // octokit reports a failed fetch (refused, timed out) as a 500 without a response.
    const status = e.response ? e.status : undefined;
    const ghMessage =
      typeof e.response?.data?.message === 'string' ? serverText(e.response.data.message, 200) : undefined;
    const where = {
      credential: this.#ctx.credential,
      endpoint: this.#endpoint(this.#installationId),
      ...(status ? { status } : {}),
    };
    const said = ghMessage ? `: ${ghMessage}` : '';
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (status === 401) {
      return new TokenEndpointError(
        'ERR_TOKEN_HTTP_STATUS',
        `GitHub rejected the app's credentials (HTTP 401${said}): check ${this.#who} and that ${this.#def.signer ? `signer '${this.#def.signer}' signs with` : 'privateKey is'} that app's key`,
        where,
      );
    }
    if (status === 404) {
      return new TokenEndpointError(
        'ERR_TOKEN_HTTP_STATUS',
        `GitHub App ${this.#def.clientId ?? this.#def.appId} has no installation ${this.#installationId} (HTTP 404${said}): check installationId, or that the app is installed`,
        where,
      );
    }
    if (status === 422) {
      return new TokenEndpointError(
        'ERR_TOKEN_HTTP_STATUS',
        `GitHub refused the narrowed token (HTTP 422${said}): the installation lacks the requested permissions or repositories`,
        where,
      );
    }
    if (status)
      return new TokenEndpointError('ERR_TOKEN_HTTP_STATUS', `GitHub answered HTTP ${status}${said}${after}`, where);
    const timedOut = /timeout|aborted/i.test(`${e.message} ${(err as { name?: string }).name}`);
    return new TokenEndpointError(
      timedOut ? 'ERR_TOKEN_TIMEOUT' : 'ERR_TOKEN_NETWORK',
      timedOut ? `GitHub request timed out${after}` : `cannot reach GitHub (${serverText(e.message, 120)})${after}`,
      where,
    );
  }
}

/** The credflow error inside an octokit error (octokit puts what fetch threw in `cause`). */
function ownError(err: unknown): CredflowError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    if (e instanceof CredflowError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
