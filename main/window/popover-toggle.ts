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

/** Whether a tray click opens the popover (macOS, Windows) or not (Linux: see trayClickAction). */
export function trayClickOpensPopover(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/**
 * What a tray `click` does. macOS and Windows: toggle the popover at the icon. Linux: open the
 * normal window. There `click` means "the icon was activated" (KDE's left click; Electron's Tray
 * docs: "on Linux this event is emitted when the tray icon receives an activation, which might not
 * necessarily be left mouse click"), it carries no usable bounds for a popover, and the context
 * menu stays on the other button.
 */
export function trayClickAction(platform: NodeJS.Platform): 'toggle-popover' | 'show-window' {
  return trayClickOpensPopover(platform) ? 'toggle-popover' : 'show-window';
}
