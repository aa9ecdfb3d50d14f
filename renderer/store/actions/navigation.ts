import type { AppActions, AppState } from '../app-store.js';
import { viewOf } from '../view-of.js';
import type { FlowContext } from './context.js';

type NavigationActions = Pick<
  AppActions,
  | 'setQuery'
  | 'setGrouping'
  | 'setCurrentUser'
  | 'select'
  | 'moveSelection'
  | 'setDetailsOpen'
  | 'focusListener'
>;

/** Navigation: the filter, grouping, selection, details and the `#focus=` route. */
export function createNavigation(ctx: FlowContext): NavigationActions & { reveal(id: string): void } {
  function reveal(id: string): void {
    const s = ctx.store.getState();
    if (!s.byId.has(id)) {
      // A notification can outlive its listener; say so instead of selecting nothing silently.
      const ghost = s.ghosts.get(id)?.listener;
      ctx.store.setState({ pendingFocusId: null });
      ctx.toast(
        ghost ? `Port ${ghost.port} is no longer listening.` : 'That listener is no longer listening.',
        'info',
      );
      return;
    }
    const patch: { -readonly [K in keyof AppState]?: AppState[K] } = {
      pendingFocusId: null,
      revealId: id,
      selectedId: id,
      detailsOpen: true,
    };
    // The scope toggles are overridden by revealId; a typed filter that hides the row is cleared.
    if (!viewOf({ ...s, revealId: id }).rowIds.includes(id)) patch.query = '';
    ctx.store.setState(patch);
    ctx.refreshLookup();
  }

  return {
    reveal,
    setQuery(query) {
      ctx.store.setState({ query, revealId: null });
      const s = ctx.store.getState();
      const view = viewOf(s);
      if (s.selectedId === null || !view.rowIds.includes(s.selectedId)) {
        ctx.store.setState({ selectedId: view.rowIds[0] ?? null });
      }
      ctx.refreshLookup();
    },
    setGrouping(grouping) {
      ctx.store.setState({ grouping });
    },
    setCurrentUser(user) {
      ctx.store.setState({ currentUser: user, currentUserChosen: user !== null });
    },
    select(id) {
      ctx.store.setState({ selectedId: id });
    },
    moveSelection(delta) {
      const s = ctx.store.getState();
      const ids = viewOf(s).rowIds;
      if (ids.length === 0) return;
      const at = s.selectedId === null ? -1 : ids.indexOf(s.selectedId);
      let next: number;
      if (delta === 'first') next = 0;
      else if (delta === 'last') next = ids.length - 1;
      else if (at < 0) next = delta > 0 ? 0 : ids.length - 1;
      else next = Math.min(ids.length - 1, Math.max(0, at + delta));
      ctx.store.setState({ selectedId: ids[next] ?? null });
    },
    setDetailsOpen(open) {
      ctx.store.setState({ detailsOpen: open });
    },
    focusListener(id) {
      if (ctx.store.getState().phase !== 'ready') {
        ctx.store.setState({ pendingFocusId: id });
        return;
      }
      reveal(id);
    },
  };
}
