import { isLoopbackHost } from '../config/loopback.js';

/**
 * Why credflow must not send a request to `url`, or `undefined` when it may:
 * the protocol rule of SPEC section 3 (`https://`, or plain `http://` only
 * to a loopback host, see {@link isLoopbackHost}), checked where each
 * request is made, as oauth4webapi's `checkProtocol` does.
 *
 * The config schema and the discovery schema check the same rule on the
 * URLs they read; this check is the one no path can skip (a discovered
 * endpoint, the URLs built from an issuer or a GitHub base URL, a grant a
 * host wrote), so {@link boundedRequest} calls it before anything is sent
 * or even looked up.
 *
 * The reason never quotes the URL (callers name the endpoint their own way).
 */
export function protocolRefusal(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'the URL is not valid';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:') {
    return isLoopbackHost(u.hostname)
      ? undefined
      : 'plain http:// is allowed only to a loopback host (localhost, 127.0.0.0/8, [::1]): use https://';
  }
  // A scheme is letters, digits, '+', '-' and '.' once parsed; a long one is cut.
  return `only https:// URLs (or http:// to a loopback host) are used, not ${u.protocol.slice(0, 20)}`;
}
