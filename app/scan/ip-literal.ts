/**
 * IP literal checks with node:net's exact answers, without loading node:net: that module (and the
 * stream machinery it pulls in, ~2 ms of a cold start) is then loaded only by a command that opens
 * a socket (issue 14 item 2). ip-literal.test.ts holds them equal to node:net's on generated text.
 */

// The dotted quad node:net accepts (lib/internal/net.js): four decimal octets 0–255, no leading
// zeros; app/scan/ip-literal.test.ts checks the two agree.
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);

/** `net.isIPv4`. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/**
 * `net.isIPv6` (zones such as `%eth0` accepted), read group by group. node:net answers with one
 * large regular expression whose first use compiles for ~6 ms (more under load), paid by every
 * `list` that met an IPv6 listener (issue 14 item 2). The grammar: 1–4 hex digits per group, an
 * optional dotted quad as the last two groups, exactly 8 groups, or at most 7 around one `::`.
 */
export function isIPv6(text: string): boolean {
  const pct = text.indexOf('%');
  if (pct >= 0 && !ZONE.test(text.slice(pct + 1))) return false;
  const address = pct >= 0 ? text.slice(0, pct) : text;
  const gap = address.indexOf('::');
  if (gap >= 0 && address.indexOf('::', gap + 1) >= 0) return false;
  const head = gap >= 0 ? address.slice(0, gap) : address;
  const tail = gap >= 0 ? address.slice(gap + 2) : '';
  const groups = [...(head === '' ? [] : head.split(':')), ...(tail === '' ? [] : tail.split(':'))];
  // A dotted quad only ends the text: never before a trailing `::`.
  const quadAllowed = gap < 0 || tail !== '';
  let count = 0;
  for (let i = 0; i < groups.length; i += 1) {
    const g = groups[i] as string;
    if (quadAllowed && i === groups.length - 1 && isIPv4(g)) count += 2;
    else if (HEX_GROUP.test(g)) count += 1;
    else return false;
  }
  return gap >= 0 ? count <= 7 : count === 8;
}

/** `net.isIP`: 4, 6, or 0 for anything that is not an IP literal. */
export function isIP(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return isIPv6(text) ? 6 : 0;
}
