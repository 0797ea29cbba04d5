import type { BlockList } from 'node:net';

/**
 * node:net, loaded on the first check rather than at start-up (a CLI run
 * with no config never checks a URL; loading it costs a few ms).
 */
const net = () => process.getBuiltinModule('node:net');

let loopbackIps: BlockList | undefined;
function loopbackBlockList(): BlockList {
  if (loopbackIps === undefined) {
    const list = new (net().BlockList)();
    list.addSubnet('127.0.0.0', 8, 'ipv4');
    list.addAddress('::1', 'ipv6');
    loopbackIps = list;
  }
  return loopbackIps;
}

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
  const family = net().isIP(host);
  if (family === 0) return false;
  return loopbackBlockList().check(host, family === 6 ? 'ipv6' : 'ipv4');
}

/** Whether `url` may be used for credentials: `https:`, or `http:` on a loopback host. */
export function isSecureOrLoopbackUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
