import { isIPv4, isIPv6 } from './ip-literal.js';

/**
 * Canonical text for a bind address so every backend agrees: IPv4 dotted quad; IPv6 compressed
 * lower-case (RFC 5952) with any `%zone` kept; `*` (ss, lsof, netstat wildcard) becomes `0.0.0.0`
 * or `::` by family; brackets are removed. Returns null for text that is not an address.
 */
export function canonicalAddress(text: string, family: 4 | 6): string | null {
  let a = text.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (a === '*' || a === '') return family === 6 ? '::' : '0.0.0.0';
  let zone = '';
  const pct = a.indexOf('%');
  if (pct >= 0) {
    zone = a.slice(pct);
    a = a.slice(0, pct);
  }
  if (family === 4) {
    if (!isIPv4(a)) return null;
    return a
      .split('.')
      .map((o) => String(Number.parseInt(o, 10)))
      .join('.');
  }
  if (!isIPv6(a)) return null;
  return compressIpv6(a) + zone;
}

/** True for an IPv6 link-local unicast address (fe80::/10), which needs its interface to be reached. */
export function isLinkLocalIpv6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/**
 * Adds the interface a socket is bound to (`idiag_if`) to a link-local IPv6 address:
 * `fe80::1` + index 2 → `fe80::1%eth0` (or `fe80::1%2` when the index has no name). Every other
 * address, and index 0 (no interface), is returned unchanged: global and loopback binds never
 * carry a zone.
 */
export function withScope(
  address: string,
  ifIndex: number,
  nameOf: (index: number) => string | null,
): string {
  if (ifIndex <= 0 || address.includes('%') || !isLinkLocalIpv6(address)) return address;
  const name = nameOf(ifIndex);
  // Interface names are at most 15 bytes without '/' or spaces; anything odd falls back to the index.
  const zone = name !== null && /^[A-Za-z0-9_.~-]{1,15}$/.test(name) ? name : String(ifIndex);
  return `${address}%${zone}`;
}

/** Compresses an IPv6 address to RFC 5952 form (lower case, longest zero run as `::`). */
export function compressIpv6(address: string): string {
  const groups = expandIpv6(address);
  if (!groups) return address.toLowerCase();
  // Keep an embedded IPv4 tail for v4-mapped addresses (::ffff:127.0.0.1), as tools print them.
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const hex = groups.map((g) => g.toString(16));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (mapped) {
    const g6 = groups[6] ?? 0;
    const g7 = groups[7] ?? 0;
    return `::ffff:${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  }
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Expands IPv6 text (with optional embedded IPv4) to 8 numeric groups, or null. */
export function expandIpv6(address: string): number[] | null {
  let a = address.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map((x) => Number.parseInt(x, 10)) as [
      number,
      number,
      number,
      number,
    ];
    a = `${a.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const parts = a.split('::');
  if (parts.length > 2) return null;
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (parts.length === 1 && missing !== 0) return null;
  if (missing < 0) return null;
  const all = [...head, ...Array<string>(parts.length === 2 ? missing : 0).fill('0'), ...tail];
  const nums = all.map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? Number.parseInt(h, 16) : Number.NaN));
  return nums.length === 8 && nums.every((n) => Number.isInteger(n)) ? nums : null;
}
