/**
 * credentials-core warns before each retry of a token request (through the
 * store's `logger`): `credential 'acme': token request failed (HTTP 503),
 * retry 1/2 in 1840 ms`. This is that line in a user's words, `credential
 * 'acme': token endpoint answered 503; retrying in 2 s (attempt 2 of 3)`,
 * or `undefined` for any other warning (printed as it is).
 */
export function retryNotice(warning: string): string | undefined {
  const m = RETRY.exec(warning);
  if (!m) return undefined;
  const [, credential, source, reason, retry, retries, ms] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const attempt = Number(retry) + 1;
  const of = Number(retries) + 1;
  return `credential '${credential}': ${because(source, reason)}; retrying in ${wait(Number(ms))} (attempt ${attempt} of ${of})`;
}

const RETRY = /^credential '([^']+)': (token request|GitHub request) failed \((.+)\), retry (\d+)\/(\d+) in (\d+) ms$/s;

function because(source: string, reason: string): string {
  const github = source === 'GitHub request';
  const status = /^HTTP (\d{3})$/.exec(reason);
  if (status) return `${github ? 'GitHub' : 'token endpoint'} answered ${status[1]}`;
  if (reason === 'timed out') return `${github ? 'GitHub request' : 'token request'} timed out`;
  return github ? `GitHub request failed (${reason})` : `cannot reach the token endpoint (${reason})`;
}

/** `200 ms`, `2 s`: whole seconds from one second on. */
function wait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
