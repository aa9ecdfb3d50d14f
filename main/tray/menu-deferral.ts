/**
 * When the tray may swap its context menu. Electron drops its reference to the old `Menu` on
 * `tray.setContextMenu(next)` while the native menu may still be running on it, which crashes
 * (electron/electron#12803, #17353). So while a menu is open (between its `menu-will-show` and
 * `menu-will-close`, https://www.electronjs.org/docs/latest/api/menu#instance-events) updates are
 * not applied: only the latest state is kept and applied once the menu closes. Pure: the tray
 * controller feeds events in and builds a menu only for a returned `apply`.
 */
export interface MenuDeferral<S> {
  /** The menu is showing (between `menu-will-show` and `menu-will-close`). */
  readonly open: boolean;
  /** The newest state that arrived while open, to apply on close; null when there is none. */
  readonly pending: S | null;
}

/** What happened to the tray menu. */
export type MenuEvent<S> =
  | { readonly type: 'update'; readonly state: S }
  | { readonly type: 'will-show' }
  | { readonly type: 'will-close' };

/** The starting point: closed, nothing pending. */
export function closedMenu<S>(): MenuDeferral<S> {
  return { open: false, pending: null };
}

/**
 * One step: the next deferral state, and the state whose menu to build and set now (or null).
 * - closed + update → apply it at once;
 * - open + update → keep only it (an older pending state is replaced, never applied);
 * - will-close → apply the pending state, if any.
 */
export function stepMenu<S>(
  current: MenuDeferral<S>,
  event: MenuEvent<S>,
): { readonly next: MenuDeferral<S>; readonly apply: S | null } {
  switch (event.type) {
    case 'update':
      return current.open
        ? { next: { open: true, pending: event.state }, apply: null }
        : { next: current, apply: event.state };
    case 'will-show':
      return { next: { open: true, pending: current.pending }, apply: null };
    case 'will-close':
      return { next: closedMenu(), apply: current.pending };
  }
}
