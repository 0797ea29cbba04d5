import type { OctokitFetch } from '../../http/octokit-fetch.js';

// The parts of @octokit/auth-app and @octokit/request the GitHub App grant
// calls, declared here: the build bundles both into dist/vendor/ (a host app
// does not install them, nor the 5.6 MB of @octokit/types and
// @octokit/openapi-types they bring), so no emitted declaration may name
// them. ./octokit.ts holds these types against the libraries' own.

/** Defaults of a `request` function (`request.defaults`). */
export type OctokitRequestDefaults = {
  baseUrl: string;
  headers: Record<string, string>;
  request: { fetch: OctokitFetch };
};

/** `@octokit/request`'s `request`: a route (`GET /orgs/{owner}/installation`) and its parameters in, the answer out. */
export interface OctokitRequest {
  (route: string, parameters: Record<string, unknown>): Promise<{ data: unknown }>;
  defaults(defaults: OctokitRequestDefaults): OctokitRequest;
}

/** An app JWT signed elsewhere (`createJwt`): the issuer and GitHub's clock offset in seconds. */
export type CreateAppJwt = (
  issuer: string | number,
  timeDifference?: number,
) => Promise<{ jwt: string; expiresAt: string }>;

/** What `createAppAuth` is given: the issuer, a key or a signer, and where to ask. */
export type AppAuthOptions = {
  appId: string | number;
  /** A `request` made by {@link OctokitRequest.defaults}. */
  request: OctokitRequest;
  /** Seconds GitHub's clock is ahead of `Date.now()`. */
  timeDifference: number;
} & ({ privateKey: string } | { createJwt: CreateAppJwt });

/** An installation access token as `auth({ type: 'installation' })` returns it. */
export interface InstallationToken {
  token: string;
  expiresAt: string;
  /** As GitHub granted them (`contents: 'read'`). */
  permissions?: Record<string, string>;
}

/** What `createAppAuth` returns: app JWTs and installation tokens on request. */
export interface AppAuth {
  (options: { type: 'app' }): Promise<{ token: string }>;
  (options: {
    type: 'installation';
    installationId: number;
    refresh: boolean;
    repositoryNames?: string[];
    permissions?: Record<string, string>;
  }): Promise<InstallationToken>;
}

/** The two functions the grant uses, loaded on first use (./octokit-libs.ts). */
export interface OctokitLibs {
  /** octokit's app auth, keeping no token of its own (credflow's cache is the one cache) and logging nothing. */
  createAppAuth: (options: AppAuthOptions) => AppAuth;
  request: OctokitRequest;
}
