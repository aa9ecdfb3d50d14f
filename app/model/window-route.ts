/**
 * The window-route codec, one for both ends: main writes the fragment the window opens at,
 * `#focus=<encodeURIComponent(listenerId)>` (a clicked notification, tray "Details…") or
 * `#lookup` (tray "Who holds port…", "Why can't I connect…"), or `#why=<encodeURIComponent(target)>`
 * (a watched port's "down" notification: the diagnosis for that port); the renderer reads it at start and on `hashchange`. A
 * fragment change is a same-document navigation, so the page is not reloaded and no
 * `will-navigate` fires. In browser mode the fragment also carries `token=…`
 * (renderer/api/get-api.ts), so a route is one `&`-separated part among others: `#token=…&focus=…`.
 * renderer/route/window-route.test.ts checks both directions.
 */

/** Where the window should land when it opens. */
export type WindowRoute =
  | { readonly kind: 'list' }
  | { readonly kind: 'focus'; readonly listenerId: string }
  | { readonly kind: 'lookup' }
  /** Put `target` (a port, host:port or URL) in the filter and show why it cannot be reached. */
  | { readonly kind: 'why'; readonly target: string };

const ROUTE_KEYS = new Set(['focus', 'lookup', 'why']);

function partsOf(hash: string): string[] {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  return body === '' ? [] : body.split('&');
}

function keyOf(part: string): string {
  const eq = part.indexOf('=');
  return eq < 0 ? part : part.slice(0, eq);
}

/**
 * The route in a fragment. Decoded with `decodeURIComponent` exactly like main's parser (not
 * URLSearchParams, which would turn a `+` into a space); a malformed escape means no route.
 */
export function parseRouteHash(hash: string): WindowRoute {
  let route: WindowRoute = { kind: 'list' };
  for (const part of partsOf(hash)) {
    if (part === 'lookup') route = { kind: 'lookup' };
    else if (part.startsWith('why=') && part.length > 'why='.length) {
      try {
        // The core parses the target strictly; the window only caps what it puts in the filter.
        route = { kind: 'why', target: decodeURIComponent(part.slice('why='.length)).slice(0, 2048) };
      } catch {
        route = { kind: 'list' };
      }
    } else if (part.startsWith('focus=') && part.length > 'focus='.length) {
      try {
        route = { kind: 'focus', listenerId: decodeURIComponent(part.slice('focus='.length)) };
      } catch {
        route = { kind: 'list' };
      }
    }
  }
  return route;
}

/** The fragment main writes for a route. */
export function routeHash(route: WindowRoute): string {
  switch (route.kind) {
    case 'list':
      return '';
    case 'focus':
      return `#focus=${encodeURIComponent(route.listenerId)}`;
    case 'lookup':
      return '#lookup';
    case 'why':
      return `#why=${encodeURIComponent(route.target)}`;
  }
}

/**
 * The fragment with the route taken out and everything else (the token) kept as it was. The
 * renderer writes this back once it has acted on a route, so the same route sent again (a second
 * click on one notification) is a change main will navigate to and `hashchange` will report.
 */
export function hashWithoutRoute(hash: string): string {
  const kept = partsOf(hash).filter((p) => !ROUTE_KEYS.has(keyOf(p)));
  return kept.length === 0 ? '' : `#${kept.join('&')}`;
}
