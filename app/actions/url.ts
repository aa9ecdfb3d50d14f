import { isIPv4, isIPv6 } from '../scan/ip-literal.js';
import { curlCommand } from '../model/commands.js';
import type { Family, Listener } from '../model/listener.js';
import { parsePort } from '../model/port.js';
import { err, ok, type Result } from '../model/errors.js';
import { compressIpv6 } from '../scan/address.js';

/** The only schemes Harbormaster ever hands to a browser (docs/SECURITY.md#opening-a-url). */
export type WebScheme = 'http' | 'https';

/** Everything a URL is built from. Nothing else (titles, banners, redirects) may shape it. */
export interface UrlParts {
  readonly scheme: WebScheme;
  readonly family: Family | null;
  /** Bind address in canonical form (`127.0.0.1`, `::1`, `0.0.0.0`, `::`, `fe80::1%eth0`). */
  readonly address: string;
  readonly port: number;
}

/** Interface names / Windows zone indexes: letters, digits and `_.~-` only, so they need no escaping. */
const ZONE_PATTERN = /^[A-Za-z0-9_.~-]{1,64}$/;

/**
 * The URL host for a bind address: wildcard binds map to the loopback of the SAME family
 * (`0.0.0.0` → `127.0.0.1`, `::` → `[::1]`): a `::` socket always accepts `::1`, while whether it
 * also takes IPv4 depends on `net.ipv6.bindv6only`/`IPV6_V6ONLY`, so `127.0.0.1` could miss it.
 * v4-mapped binds (`::ffff:127.0.0.1`) use their IPv4 form. Link-local zones are percent-encoded
 * (`[fe80::1%25eth0]`, RFC 6874). Returns null for anything that is not an address of `family`.
 */
export function urlHost(family: Family | null, address: string): string | null {
  // Family unknown (ss without v6only): `*` could be either loopback, so no URL is made up.
  if (family === null) return isIPv4(address) && address !== '0.0.0.0' ? address : null;
  if (family === 4) {
    if (!isIPv4(address)) return null;
    return address === '0.0.0.0' ? '127.0.0.1' : address;
  }
  const pct = address.indexOf('%');
  const base = pct >= 0 ? address.slice(0, pct) : address;
  const zone = pct >= 0 ? address.slice(pct + 1) : null;
  if (!isIPv6(base)) return null;
  if (zone !== null && !ZONE_PATTERN.test(zone)) return null;
  const canonical = compressIpv6(base);
  if (canonical === '::') return '[::1]';
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(canonical);
  if (mapped && zone === null) {
    const v4 = mapped[1] ?? '';
    return v4 === '0.0.0.0' ? '127.0.0.1' : v4;
  }
  return `[${canonical}${zone !== null ? `%25${zone}` : ''}]`;
}

/**
 * Builds `scheme://host:port/` from a listener's own fields only: `http://127.0.0.1:3000/`,
 * `https://…` when the probe found TLS, `http://[::1]:8080/` for IPv6. Returns null for a bad
 * scheme, port or address (the callers treat that as "nothing to open").
 */
export function buildUrl(parts: UrlParts): string | null {
  if (parts.scheme !== 'http' && parts.scheme !== 'https') return null;
  const port = parsePort(parts.port);
  if (!port.ok) return null;
  const host = urlHost(parts.family, parts.address);
  if (host === null) return null;
  return `${parts.scheme}://${host}:${port.value}/`;
}

/** The scheme to use for a listener: https only when a probe saw TLS. */
export function schemeForListener(listener: Listener): WebScheme {
  return listener.health.state === 'up' && listener.health.kind === 'https' ? 'https' : 'http';
}

/**
 * The URL "open" uses for a listener, or null when it is not web-like: UDP, a probe that found
 * another protocol (banner, Redis, Postgres), or a never-HTTP port that no probe found speaking
 * HTTP. Built only from protocol, family, address, port and the probe's kind.
 */
export function urlForListener(listener: Listener): string | null {
  if (listener.protocol !== 'tcp') return null;
  const h = listener.health;
  const spokeHttp = h.state === 'up' && (h.kind === 'http' || h.kind === 'https');
  if (h.state === 'up' && !spokeHttp && h.kind !== 'tcp') return null;
  if (listener.service?.neverHttp === true && !spokeHttp) return null;
  return buildUrl({
    scheme: schemeForListener(listener),
    family: listener.family,
    address: listener.address,
    port: listener.port,
  });
}

/** A copyable `curl` command for a listener (app/model/commands.ts builds it), or null when not web-like. */
export function curlFor(listener: Listener): string | null {
  return curlCommand(urlForListener(listener), listener.health);
}

const URL_PATTERN =
  /^(https?):\/\/(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[([0-9a-f:.]+)(?:%25([A-Za-z0-9_.~-]{1,64}))?\]):([1-9][0-9]{0,4})\/$/;

/**
 * Re-checks a URL right before it goes to the OS opener: scheme http/https, host a literal IP
 * (never a name to resolve), port 1–65535, path `/`, and nothing that a URL parser would read
 * differently (userinfo, backslashes, encoded tricks). docs/SECURITY.md#opening-a-url
 * (the userinfo tricks).
 */
export function verifyOpenUrl(url: string): Result<string> {
  const bad = (why: string): Result<string> =>
    err('OPEN_FAILED', `Refusing to open ${JSON.stringify(url.slice(0, 200))}: ${why}.`);
  const m = URL_PATTERN.exec(url);
  if (!m) return bad('only http(s)://<ip>:<port>/ URLs built by Harbormaster are opened');
  const bracketed = m[3];
  const zone = m[4];
  if (bracketed === undefined) {
    if (!isIPv4(m[2] ?? '')) return bad('the host is not an IPv4 address');
  } else if (!isIPv6(bracketed)) {
    return bad('the host is not an IPv6 address');
  }
  if (!parsePort(m[5] ?? '').ok) return bad('the port must be 1–65535');
  // WHATWG URL has no zone-id support, so only zone-free URLs can be round-tripped through it.
  if (zone === undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return bad('it does not parse as a URL');
    }
    // URL elides the scheme's default port (`http://127.0.0.1:80/` → port ''), so compare by parts.
    const defaultPort = m[1] === 'https' ? '443' : '80';
    const samePort = parsed.port === m[5] || (parsed.port === '' && m[5] === defaultPort);
    if (
      parsed.protocol !== `${m[1] ?? ''}:` ||
      parsed.hostname !== m[2] ||
      !samePort ||
      parsed.pathname !== '/' ||
      parsed.search !== '' ||
      parsed.hash !== '' ||
      parsed.username !== '' ||
      parsed.password !== ''
    ) {
      return bad('it does not round-trip unchanged');
    }
  }
  return ok(url);
}
