/** Where the window should land when it opens. */
export type WindowRoute =
  | { readonly kind: 'list' }
  | { readonly kind: 'focus'; readonly listenerId: string }
  | { readonly kind: 'lookup' };

/**
 * The URL fragment that tells the renderer where to land: `#focus=<listenerId>` (a clicked
 * notification, "Details…") or `#lookup` ("Who holds port…"). A fragment change is a same-document
 * navigation, so the page is not reloaded and no `will-navigate` fires; the renderer reads
 * `location.hash` at start and on `hashchange`. This keeps the contract unchanged.
 */
export function routeHash(route: WindowRoute): string {
  switch (route.kind) {
    case 'list':
      return '';
    case 'focus':
      return `#focus=${encodeURIComponent(route.listenerId)}`;
    case 'lookup':
      return '#lookup';
  }
}

/** Parses a fragment back into a route (used by tests and kept beside its writer). */
export function parseRouteHash(hash: string): WindowRoute {
  if (hash === '#lookup') return { kind: 'lookup' };
  const m = /^#focus=(.+)$/.exec(hash);
  if (m?.[1]) {
    try {
      return { kind: 'focus', listenerId: decodeURIComponent(m[1]) };
    } catch {
      return { kind: 'list' };
    }
  }
  return { kind: 'list' };
}
