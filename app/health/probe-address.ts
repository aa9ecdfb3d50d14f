import { isIP } from '../scan/ip-literal.js';
import type { Family } from '../model/listener.js';

/**
 * The address a probe connects to for a listener: the exact bound address, except that a wildcard
 * bind is probed over the same family's loopback (`0.0.0.0` → `127.0.0.1`, `::` → `::1`). Never a
 * host name: `localhost` may resolve to the other family (nodejs/node#40702), so it is refused
 * here rather than resolved. Returns null when `address` is not an IP literal of `family`, or for
 * `*` of an unknown family.
 */
export function probeHost(address: string, family: Family | null): string | null {
  const a = address.trim().replace(/^\[(.*)\]$/, '$1');
  // Family unknown: an IPv4 literal is reachable as written; `*` names no loopback to try.
  if (family === null) return isIP(a) === 4 ? a : null;
  if (family === 4) {
    if (a === '0.0.0.0' || a === '*') return '127.0.0.1';
    return isIP(a) === 4 ? a : null;
  }
  if (a === '::' || a === '*' || a === '::ffff:0.0.0.0') return '::1';
  // Node connects to zoned link-local addresses (fe80::1%eth0) as written; isIP() accepts zones.
  return isIP(a) === 6 ? a : null;
}

/** `host:port` as it appears in a Host header or URL authority (`[::1]:8080` for IPv6). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host.replace(/%/g, '%25')}]:${port}` : `${host}:${port}`;
}
