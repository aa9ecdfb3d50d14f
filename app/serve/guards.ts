import { randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_PATTERN, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from '../contract/ws-protocol.js';

/**
 * The request gatekeepers of `harbormaster serve`, as pure functions over header values.
 * Policy: docs/SECURITY.md#browser-mode; the incidents behind it (Transmission and
 * webpack-dev-server DNS rebinding, Vite CVE-2025-24010, CVE-2025-30360 IP-literal origins,
 * GHSA-m28w-2pqf-7qgj malformed headers crashing a dev server).
 */

/** A fresh per-launch token: 32 random bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The exact `Host` values this server answers to (lower case; the port is always explicit). */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`];
}

/** The exact origins allowed to open the WebSocket or send non-GET requests. */
export function allowedOrigins(port: number): readonly string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

/** Why a request was turned away; `status` is the HTTP status to answer with. */
export interface Rejection {
  readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 421 | 429 | 503;
  readonly reason: string;
}

/**
 * Returns the values of one header from Node's `rawHeaders` (every occurrence, in order), so a
 * duplicated `Host`/`Origin` is seen instead of silently collapsed.
 */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === wanted) values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}

/**
 * Checks the `Host` header against the exact allowlist (DNS rebinding defence: a rebound
 * `evil.example` page sends `Host: evil.example:<port>`). Returns the normalized host or a rejection.
 */
export function checkHost(rawHeaders: readonly string[], port: number): string | Rejection {
  const hosts = headerValues(rawHeaders, 'host');
  if (hosts.length !== 1) return { status: 400, reason: 'Exactly one Host header is required.' };
  const host = (hosts[0] ?? '').trim().toLowerCase();
  if (!allowedHosts(port).includes(host)) {
    // 421 Misdirected Request: this server is not the one that name should reach.
    return { status: 421, reason: 'This server answers only to 127.0.0.1, [::1] or localhost on its port.' };
  }
  return host;
}

/**
 * Checks the `Origin` header: exactly one, equal (string equality, no `includes()`) to one of the
 * server's own origins. `null` and other IP-literal origins are refused (CVE-2025-30360).
 */
export function checkOrigin(rawHeaders: readonly string[], port: number): string | Rejection {
  const origins = headerValues(rawHeaders, 'origin');
  if (origins.length === 0) return { status: 403, reason: 'An Origin header is required.' };
  if (origins.length > 1) return { status: 400, reason: 'Exactly one Origin header is allowed.' };
  const origin = (origins[0] ?? '').trim().toLowerCase();
  if (!allowedOrigins(port).includes(origin)) {
    return { status: 403, reason: 'Requests from other origins are not allowed.' };
  }
  return origin;
}

/** Constant-time token comparison (docs/SECURITY.md#browser-mode). */
export function tokensEqual(candidate: string, token: string): boolean {
  const a = Buffer.from(candidate, 'utf8');
  const b = Buffer.from(token, 'utf8');
  // Lengths are public (the token length is fixed); only equal-length buffers can be compared.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Checks `Authorization: Bearer <token>` on a JSON HTTP request. Tokens in query strings are never
 * accepted (they end up in logs and history).
 */
export function checkBearer(rawHeaders: readonly string[], token: string): true | Rejection {
  const values = headerValues(rawHeaders, 'authorization');
  if (values.length !== 1) return { status: 401, reason: 'A bearer token is required.' };
  const match = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec((values[0] ?? '').trim());
  if (!match || !tokensEqual(match[1] ?? '', token)) {
    return { status: 401, reason: 'The token is missing or wrong.' };
  }
  return true;
}

/**
 * Checks the WebSocket subprotocol offer: it must include `harbormaster.v1` and exactly one
 * `harbormaster.token.<token>` carrying this launch's token. The server answers with
 * `harbormaster.v1` only, so the token is never echoed.
 */
export function checkSubprotocols(rawHeaders: readonly string[], token: string): true | Rejection {
  const values = headerValues(rawHeaders, 'sec-websocket-protocol');
  if (values.length === 0) return { status: 401, reason: 'A token subprotocol is required.' };
  const offered = values
    .join(',')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (offered.length > 8) return { status: 400, reason: 'Too many subprotocols.' };
  if (!offered.includes(WS_SUBPROTOCOL)) {
    return { status: 400, reason: `The ${WS_SUBPROTOCOL} subprotocol is required.` };
  }
  const tokens = offered.filter((p) => p.startsWith(WS_TOKEN_PREFIX));
  if (tokens.length !== 1) return { status: 401, reason: 'Exactly one token subprotocol is required.' };
  const candidate = (tokens[0] ?? '').slice(WS_TOKEN_PREFIX.length);
  if (!TOKEN_PATTERN.test(candidate) || !tokensEqual(candidate, token)) {
    return { status: 401, reason: 'The token is missing or wrong.' };
  }
  return true;
}

/** True when `value` is a rejection rather than an accepted value. */
export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'status' in value && 'reason' in value;
}

/** The Content-Security-Policy for pages served to a request that came in as `host`. */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${host}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers on every response (docs/SECURITY.md#browser-mode). Never any `Access-Control-Allow-*`:
 * cross-origin callers get no CORS grant, so a preflighted request from another site fails.
 */
export function securityHeaders(host: string | null): Record<string, string> {
  return {
    'Content-Security-Policy': host ? contentSecurityPolicy(host) : "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
