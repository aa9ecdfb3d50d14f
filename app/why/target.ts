import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { err, ok, type Result } from '../model/errors.js';
import type { WhyTarget } from '../model/diagnosis.js';
import { parsePort, parsePortQuery } from '../model/port.js';

export type { WhyTarget } from '../model/diagnosis.js';

/** Names that always mean this machine (RFC 6761 §6.3 for `localhost` and `*.localhost`). */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** This machine's own addresses and name, from the OS. */
export function localIdentity(): { addresses: Set<string>; hostname: string } {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) addresses.add(a.address.toLowerCase().split('%')[0] ?? '');
  }
  let name = '';
  try {
    name = hostname().toLowerCase();
  } catch {
    name = '';
  }
  return { addresses, hostname: name };
}

/** True when `host` is a loopback name or address, or one of this machine's own. */
export function isThisMachine(
  host: string,
  local: { addresses: ReadonlySet<string>; hostname: string },
): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (local.hostname !== '' && h === local.hostname) return true;
  const bare = h.split('%')[0] ?? '';
  const family = isIP(bare);
  if (family === 4) return bare.startsWith('127.') || bare === '0.0.0.0' || local.addresses.has(bare);
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    if (mapped?.[1]) return isThisMachine(mapped[1], local);
    return bare === '::1' || bare === '::' || local.addresses.has(bare);
  }
  return false;
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/;

function checkHost(
  host: string,
  input: string,
  local: { addresses: ReadonlySet<string>; hostname: string },
): Result<{ host: string; isName: boolean }> {
  const h = host.toLowerCase();
  const literal = isIP(h.split('%')[0] ?? '') !== 0;
  if (!literal && !HOST_NAME.test(h)) {
    return err(
      'INVALID_REQUEST',
      `${shown(input)} does not name a host: use PORT, HOST:PORT, [v6]:PORT or a URL.`,
    );
  }
  if (!isThisMachine(h, local)) {
    return err(
      'INVALID_REQUEST',
      `Harbormaster diagnoses this machine only: ${shown(host)} is not a loopback name or one of this machine's addresses.`,
      { hint: 'Run harbormaster on that machine, or ask about localhost:PORT here.' },
    );
  }
  return ok({ host: h, isName: !literal });
}

function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * Parses a `why` target strictly. Ports use the one shared parser (so `619009` and `0x50` are
 * rejected with "port must be 1–65535" like everywhere else); hosts must be this machine.
 */
export function parseWhyTarget(
  input: string,
  local: { addresses: ReadonlySet<string>; hostname: string } = localIdentity(),
): Result<WhyTarget> {
  const url = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^#]*)/.exec(input);
  if (url) {
    const scheme = (url[1] ?? '').toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') {
      return err(
        'INVALID_REQUEST',
        `Only http:// and https:// URLs can be diagnosed, not ${shown(`${scheme}://`)}.`,
      );
    }
    const authority = (url[2] ?? '').replace(/^[^@]*@/, '');
    const path = url[3] && url[3].length > 0 ? url[3] : '/';
    let host: string;
    let port: number;
    const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
    const colon = authority.lastIndexOf(':');
    if (v6) {
      host = v6[1] ?? '';
      const p = v6[2] === undefined ? ok(scheme === 'https' ? 443 : 80) : parsePort(v6[2]);
      if (!p.ok) return p;
      port = p.value;
    } else if (colon >= 0) {
      host = authority.slice(0, colon);
      const p = parsePort(authority.slice(colon + 1));
      if (!p.ok) return p;
      port = p.value;
    } else {
      host = authority;
      port = scheme === 'https' ? 443 : 80;
    }
    const checked = checkHost(host, input, local);
    if (!checked.ok) return checked;
    return ok({
      input,
      ...checked.value,
      port,
      scheme,
      path: /^[\x21-\x7e]*$/.test(path) ? path : encodeURI(path),
    });
  }
  const q = parsePortQuery(input);
  if (!q.ok) return q;
  const checked = checkHost(q.value.host ?? 'localhost', input, local);
  if (!checked.ok) return checked;
  return ok({ input, ...checked.value, port: q.value.port, scheme: null, path: '/' });
}
