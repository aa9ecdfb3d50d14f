import { getSelfPort } from '../format/self-port.js';
import type { AppState } from './app-store.js';
import { selectView } from './derive.js';

/** The inputs of the visible list, read from the state. */
export function viewOf(s: AppState): ReturnType<typeof selectView> {
  return selectView({
    listeners: s.listeners,
    ghosts: s.ghosts,
    query: s.query,
    grouping: s.grouping,
    showOtherUsers: s.settings.showOtherUsers,
    showSystem: s.settings.showSystem,
    currentUser: s.currentUser,
    viewerUid: s.currentUserChosen ? null : (s.snapshot?.viewer?.uid ?? null),
    coreViewer: s.viewer,
    revealId: s.revealId,
    pins: s.settings.pins,
    selfPort: getSelfPort(),
  });
}
