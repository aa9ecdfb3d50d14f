/**
 * IP literal checks with node:net's exact answers, without loading node:net for IPv4: that module
 * (and the stream machinery it pulls in, ~2 ms of a cold start) is then loaded only by a command
 * that opens a socket or meets an IPv6 address (issue 14 item 2).
 */

// The dotted quad node:net accepts (lib/internal/net.js): four decimal octets 0–255, no leading
// zeros; app/scan/ip-literal.test.ts checks the two agree.
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);

/** `net.isIPv4`. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** `net.isIPv6` (zones such as `%eth0` accepted); node:net loads on the first call. */
export function isIPv6(text: string): boolean {
  return process.getBuiltinModule('node:net').isIPv6(text);
}

/** `net.isIP`: 4, 6, or 0 for anything that is not an IP literal. */
export function isIP(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return isIPv6(text) ? 6 : 0;
}
