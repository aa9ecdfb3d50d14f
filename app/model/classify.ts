import type { Exposure, Family, PortRange } from './listener.js';

/** IANA range class of a port. */
export function portRange(port: number): PortRange {
  if (port <= 1023) return 'well-known';
  if (port <= 49151) return 'registered';
  return 'dynamic';
}

/**
 * Who can reach a socket bound to `address`. Wildcards (`0.0.0.0`, `::`, `*`) are reachable on
 * every interface; `127.0.0.0/8`, `::1` and `::ffff:127.x` are loopback; anything else is one
 * specific address (a LAN or VPN address, link-local, …).
 */
export function exposureOf(address: string): Exposure {
  const a = stripZone(address).toLowerCase();
  if (a === '0.0.0.0' || a === '::' || a === '*' || a === '[::]' || a === '::ffff:0.0.0.0')
    return 'all-interfaces';
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return 'loopback';
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) return 'loopback';
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) return 'loopback';
  return 'specific';
}

/** The one-line risk explanation for an exposure, shared by every face. */
export function exposureExplanation(exposure: Exposure): string {
  switch (exposure) {
    case 'loopback':
      return 'Loopback only: reachable from this machine, not from the network.';
    case 'all-interfaces':
      return 'All interfaces: reachable from any network this machine is on, unless a firewall blocks it.';
    case 'specific':
      return 'One specific address: reachable by anyone who can route to that address (e.g. your LAN).';
  }
}

/** The family an address textually belongs to. */
export function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

function stripZone(address: string): string {
  const i = address.indexOf('%');
  return i >= 0 ? address.slice(0, i) : address;
}
