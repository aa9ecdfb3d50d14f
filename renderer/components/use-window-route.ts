import { useEffect, type RefObject } from 'react';
import { hashWithoutRoute, parseRouteHash } from '../../app/model/window-route.js';
import { useActions } from '../store/store-context.js';

/**
 * Acts on the window route in `location.hash` at start and on every `hashchange` (main changes only
 * the fragment when the window is already open): `#focus=<id>` selects that row and opens its
 * details, `#lookup` puts the cursor in the filter for a port number, `#why=<target>` puts the
 * target there and shows why it cannot be reached. See main/README.md.
 */
export function useWindowRoute(filter: RefObject<HTMLInputElement | null>): void {
  const actions = useActions();
  useEffect(() => {
    const handle = (): void => {
      const hash = window.location.hash;
      const route = parseRouteHash(hash);
      if (route.kind === 'list') return;
      // Take the route out of the address (keeping `token=…`), so a second identical route is a
      // change again: main only navigates when the URL differs, and only a change fires hashchange.
      try {
        const { pathname, search } = window.location;
        window.history.replaceState(
          window.history.state,
          '',
          `${pathname}${search}${hashWithoutRoute(hash)}`,
        );
      } catch {
        // A scheme that refuses history edits only loses the repeat-route nicety.
      }
      if (route.kind === 'focus') {
        actions.focusListener(route.listenerId);
        return;
      }
      actions.setDetailsOpen(false);
      if (route.kind === 'why') {
        // A watched port went down: its diagnosis in the lookup pane (issue 13).
        actions.setQuery(route.target);
        actions.diagnose(route.target);
      }
      const box = filter.current;
      if (box) {
        box.focus();
        // Selected, so typing a port replaces whatever filter was there.
        box.select();
      }
    };
    handle();
    window.addEventListener('hashchange', handle);
    return () => window.removeEventListener('hashchange', handle);
  }, [actions, filter]);
}
