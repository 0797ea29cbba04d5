import type { OctokitLibs } from './octokit-types.js';

let libs: Promise<OctokitLibs> | undefined;
/** octokit, loaded on first use: a CLI run that needs no GitHub token does not pay for it. */
export const loadLibs = (): Promise<OctokitLibs> => (libs ??= import('./octokit.js'));
