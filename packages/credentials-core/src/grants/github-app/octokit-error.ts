import { CredflowError } from '../../errors.js';
import type { GitHubHeaders } from '../../http/github-rate-limit.js';
import { serverText } from '../../http/server-text.js';

/** What octokit's request errors carry that credflow reads. */
export interface OctokitError {
  status?: number;
  response?: { data?: { message?: unknown }; headers?: GitHubHeaders };
  message: string;
}

/** GitHub's `message` as sent: for matching only, never for a message. */
export function rawMessage(e: OctokitError): string | undefined {
  const m = e.response?.data?.message;
  return typeof m === 'string' ? m : undefined;
}

/** GitHub's `message` for an error message: whole or not at all (at most 200 characters). */
export function gitHubMessage(e: OctokitError): string | undefined {
  const m = rawMessage(e);
  return m === undefined ? undefined : serverText(m, 200);
}

/** The credflow error inside an octokit error (octokit puts what fetch threw in `cause`). */
export function ownError(err: unknown): CredflowError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    if (e instanceof CredflowError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
