// Octokit, as the GitHub App grant uses it: imported only through
// ./octokit-libs.ts's dynamic import (on the first GitHub App mint). The
// build bundles what these lines import into dist/vendor/octokit.js.
// Typed by ./octokit-types.ts, so the emitted declarations name no octokit
// package; here the compiler holds those local types against the
// libraries' own.
import { createAppAuth as appAuth } from '@octokit/auth-app';
import { request as octokitRequest } from '@octokit/request';
import type { OctokitLibs } from './octokit-types.js';

type AppAuthParameters = Parameters<typeof appAuth>[0];

export const request: OctokitLibs['request'] = octokitRequest;

export const createAppAuth: OctokitLibs['createAppAuth'] = (options) =>
  appAuth({
    ...options,
    // Made by `request.defaults` above: octokit's own request function, typed narrower here.
    request: options.request as AppAuthParameters['request'],
    // credflow's cache is the one cache: octokit's never hits (it takes undefined as a miss, as from its own LRU).
    cache: { get: () => undefined, set: () => {} } as unknown as AppAuthParameters['cache'],
    log: { warn: () => {} },
  });
