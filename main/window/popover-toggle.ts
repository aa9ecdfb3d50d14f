/** What a tray click does to the popover. */
export type PopoverClick = 'show' | 'hide' | 'stay-hidden';

/**
 * How long after a blur-hide a tray click still counts as "the click that caused the blur".
 * On Windows, clicking the tray icon first blurs (and so hides) the popover, then delivers the
 * click; without this grace period the click would immediately re-open it (max-mapper/menubar
 * handles the same race in src/Menubar.ts).
 */
export const BLUR_CLICK_GRACE_MS = 300;

/** Decides what a tray click does: toggle, unless the same click just hid the popover via blur. */
export function popoverClickAction(state: {
  readonly visible: boolean;
  readonly hiddenByBlurAt: number | null;
  readonly now: number;
}): PopoverClick {
  if (state.visible) return 'hide';
  if (state.hiddenByBlurAt !== null && state.now - state.hiddenByBlurAt < BLUR_CLICK_GRACE_MS)
    return 'stay-hidden';
  return 'show';
}

/** Whether a tray click opens the popover (macOS, Windows) or only the context menu (Linux). */
export function trayClickOpensPopover(platform: NodeJS.Platform): boolean {
  // Linux StatusNotifier/AppIndicator trays do not deliver click events reliably; the menu is the UI
  // there (https://www.electronjs.org/docs/latest/api/tray#platform-considerations).
  return platform === 'darwin' || platform === 'win32';
}
