import { BrowserWindow, screen, type Rectangle, type WebContents } from 'electron';
import { APP_INDEX_URL } from '../protocol/bundle-path.js';
import { positionPopover } from './popover-position.js';
import { popoverClickAction } from './popover-toggle.js';
import { routeHash, type WindowRoute } from '../../app/model/window-route.js';
import { POPOVER_SIZE, windowOptionsFor, type WindowMode } from './window-options.js';

/** Glue: owns the popover and the main window; every decision comes from the pure window modules. */
export interface WindowManager {
  /** Toggles the popover next to the tray icon (macOS/Windows tray click). */
  togglePopover(trayBounds: Rectangle): void;
  /** Shows the normal window at a route (list, a focused row, the lookup). */
  show(route: WindowRoute): void;
  /** ids of our windows' webContents: the only trusted IPC senders. */
  trustedIds(): ReadonlySet<number>;
  /** Live webContents to push snapshots to. */
  targets(): WebContents[];
  /** True while either window is visible. */
  anyVisible(): boolean;
  destroyAll(): void;
}

/** Creates the window manager; `onVisibility` fires whenever a window shows or hides. */
export function createWindowManager(options: {
  readonly preloadPath: string;
  readonly platform: NodeJS.Platform;
  readonly devTools: boolean;
  readonly icon: string;
  readonly onVisibility: () => void;
}): WindowManager {
  const windows = new Map<WindowMode, BrowserWindow>();
  let hiddenByBlurAt: number | null = null;

  const create = (mode: WindowMode, route: WindowRoute): BrowserWindow => {
    const win = new BrowserWindow(
      windowOptionsFor(mode, {
        preloadPath: options.preloadPath,
        platform: options.platform,
        devTools: options.devTools,
        icon: options.icon,
      }),
    );
    windows.set(mode, win);
    for (const event of ['show', 'hide', 'closed'] as const)
      win.on(event as 'show', () => options.onVisibility());
    win.on('closed', () => windows.delete(mode));
    if (mode === 'popover') {
      // Popovers close when the user clicks elsewhere (menubar's behaviour), unless devtools hold focus.
      win.on('blur', () => {
        if (win.webContents.isDevToolsOpened()) return;
        hiddenByBlurAt = Date.now();
        win.hide();
      });
    } else {
      win.once('ready-to-show', () => win.show());
    }
    void win.loadURL(APP_INDEX_URL + routeHash(route));
    return win;
  };

  const navigate = (win: BrowserWindow, route: WindowRoute) => {
    // A fragment-only change is a same-document navigation: the renderer sees `hashchange`.
    const url = APP_INDEX_URL + routeHash(route);
    if (win.webContents.getURL() !== url) void win.loadURL(url);
  };

  return {
    togglePopover(trayBounds) {
      const existing = windows.get('popover');
      const action = popoverClickAction({
        visible: existing?.isVisible() ?? false,
        hiddenByBlurAt,
        now: Date.now(),
      });
      if (action === 'hide') return existing?.hide();
      if (action === 'stay-hidden') return;
      const win = existing ?? create('popover', { kind: 'list' });
      const { x, y } = positionPopover({
        trayBounds,
        windowSize: POPOVER_SIZE,
        displays: screen.getAllDisplays(),
        platform: options.platform,
        cursor: screen.getCursorScreenPoint(),
      });
      win.setPosition(x, y, false);
      if (existing) win.show();
      else win.once('ready-to-show', () => win.show());
      win.focus();
    },
    show(route) {
      windows.get('popover')?.hide();
      const existing = windows.get('window');
      if (!existing) {
        create('window', route);
        return;
      }
      navigate(existing, route);
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
    },
    trustedIds: () =>
      new Set([...windows.values()].filter((w) => !w.isDestroyed()).map((w) => w.webContents.id)),
    targets: () => [...windows.values()].filter((w) => !w.isDestroyed()).map((w) => w.webContents),
    anyVisible: () => [...windows.values()].some((w) => !w.isDestroyed() && w.isVisible()),
    destroyAll() {
      for (const w of windows.values()) if (!w.isDestroyed()) w.destroy();
      windows.clear();
    },
  };
}
