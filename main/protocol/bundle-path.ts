import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { err, ok, type Result } from '../../app/model/errors.js';
import { contentTypeFor } from '../../app/serve/content-types.js';
import { contentSecurityPolicy } from '../security/csp.js';

/** The custom scheme the UI is served from (Electron security checklist #18: avoid `file://`). */
export const APP_SCHEME = 'app';
/** The only host the scheme serves. */
export const APP_HOST = 'bundle';
/** Origin of the UI; IPC senders must come from here. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Entry page of the bundle. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for `protocol.registerSchemesAsPrivileged` (before `app.whenReady`): `standard` so
 * relative URLs and origins work, `secure` so the page is a secure context, `supportFetchAPI` for
 * module scripts. No `bypassCSP`, no `corsEnabled`, no `allowServiceWorkers`.
 */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
});

const FORBIDDEN_IN_SEGMENT = /[/\\\0:]/;

/**
 * Maps an `app://bundle/…` URL to a file inside `root` (the built renderer). Rejects other
 * schemes and hosts, `..`/`.` segments (also percent-encoded), encoded slashes and backslashes,
 * NUL bytes, drive letters and anything that would resolve outside `root`. `/` maps to index.html.
 */
export function resolveBundlePath(url: string, root: string): Result<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return err('INVALID_REQUEST', 'Not a URL.');
  }
  if (
    parsed.protocol !== `${APP_SCHEME}:` ||
    parsed.host !== APP_HOST ||
    parsed.username ||
    parsed.password
  ) {
    return err('INVALID_REQUEST', 'Only app://bundle/ is served.');
  }
  const rawSegments = parsed.pathname.split('/').slice(1);
  if (rawSegments.length === 1 && rawSegments[0] === '') rawSegments[0] = 'index.html';
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return err('INVALID_REQUEST', 'Malformed percent-encoding.');
    }
    if (segment === '' || segment === '.' || segment === '..' || FORBIDDEN_IN_SEGMENT.test(segment)) {
      return err('INVALID_REQUEST', 'Path traversal rejected.');
    }
    segments.push(segment);
  }
  const base = resolve(root);
  const full = resolve(base, ...segments);
  if (!full.startsWith(base + sep)) return err('INVALID_REQUEST', 'Path outside the bundle rejected.');
  return ok(full);
}

/** Response headers for a bundle file: type, CSP on every response, no sniffing, no caching. */
export function bundleResponseHeaders(path: string): Record<string, string> {
  return {
    'Content-Type': contentTypeFor(path),
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/**
 * Answers one `app://` request from the files under `root`: GET/HEAD only, 404 for anything that
 * does not resolve inside the bundle. Electron-free (uses the global `Response`), so it is tested
 * against real files; `protocol.handle` just calls it.
 */
export async function handleBundleRequest(
  request: { readonly url: string; readonly method: string },
  root: string,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
  }
  const path = resolveBundlePath(request.url, root);
  if (!path.ok) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(path.value);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: bundleResponseHeaders(path.value),
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
