import type { Interest } from '../app/service/types.js';

/** What the user can currently see of Harbormaster. */
export interface Attention {
  readonly menuOpen: boolean;
  readonly windowVisible: boolean;
}

/**
 * Scans run at the settings interval while the tray menu or a window is open and slow down while
 * nobody is looking (docs/ARCHITECTURE.md#pause-and-interest). Linux trays do not report menu
 * opening, so there the idle rate keeps the menu reasonably fresh.
 */
export function interestFor(attention: Attention): Interest {
  return attention.menuOpen || attention.windowVisible ? 'active' : 'idle';
}
