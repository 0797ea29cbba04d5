import { BlockList, isIP } from 'node:net';

const LOOPBACK_IPS = new BlockList();
LOOPBACK_IPS.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_IPS.addAddress('::1', 'ipv6');

/**
 * Whether a URL's `hostname` names this machine: an IP address in
 * 127.0.0.0/8 or `::1` (brackets of an IPv6 literal are stripped; an
 * IPv4-mapped `::ffff:127.x.x.x` counts), or exactly the name `localhost`.
 * A name that merely starts with `127.` or `localhost` (`127.attacker.example`,
 * `localhost.attacker`) is a DNS name like any other and is not loopback.
 *
 * Give it `new URL(text).hostname`: the WHATWG parser has already turned
 * `0x7f.1` or `2130706433` into `127.0.0.1`, which is where the request goes.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  if (family === 0) return false;
  return LOOPBACK_IPS.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

/** Whether `url` may be used for credentials: `https:`, or `http:` on a loopback host. */
export function isSecureOrLoopbackUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
