import type { createAppAuth } from '@octokit/auth-app';

let libs:
  | Promise<{
      createAppAuth: typeof createAppAuth;
      request: typeof import('@octokit/request').request;
    }>
  | undefined;
/** octokit, loaded on first use: a CLI run that needs no GitHub token does not pay for it. */
export const loadLibs = () =>
  (libs ??= Promise.all([import('@octokit/auth-app'), import('@octokit/request')]).then(([a, r]) => ({
    createAppAuth: a.createAppAuth,
    request: r.request,
  })));
