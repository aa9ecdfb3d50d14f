import { join } from 'node:path';
import { Menu, nativeImage, Tray, type Rectangle } from 'electron';
import { trayClickAction } from '../window/popover-toggle.js';
import { closedMenu, stepMenu, type MenuDeferral, type MenuEvent } from './menu-deferral.js';
import { toMenuTemplate, trayMenuMode } from './to-menu-template.js';
import { hasWatchedDown, trayIconFor, trayTooltip } from './tray-icon.js';
import type { TrayAction } from './tray-item.js';
import { buildTrayMenu, type TrayState } from './tray-menu.js';

/** Glue: the one owner of the Tray object (kept referenced so it is never garbage-collected). */
export interface TrayController {
  /**
   * Icon and tooltip at once; the menu at once when closed, else when it closes (menu-deferral.ts).
   * Linux needs `setContextMenu` again after every change.
   */
  update(state: TrayState): void;
  /** For the e2e hook: whether the menu is open and a state is waiting for it to close. */
  deferral(): MenuDeferral<TrayState>;
  /** For the e2e hook: the Menu the tray shows now. */
  currentMenu(): Menu | null;
  destroy(): void;
}

/** Creates the tray icon; clicks and menu intents are reported through the callbacks. */
export function createTrayController(options: {
  readonly assetsDir: string;
  readonly platform: NodeJS.Platform;
  readonly initial: TrayState;
  readonly onAction: (action: TrayAction) => void;
  /** macOS/Windows: toggle the popover at the icon. */
  readonly onClick: (bounds: Rectangle) => void;
  /** Linux: the icon was activated (KDE's left click): open the window. */
  readonly onActivate: () => void;
  readonly onMenuOpen: (open: boolean) => void;
}): TrayController {
  const { platform } = options;
  const image = (alert: boolean) =>
    nativeImage.createFromPath(join(options.assetsDir, trayIconFor({ alert }, platform)));
  let alert = hasWatchedDown(options.initial.snapshot, options.initial.settings);
  const tray = new Tray(image(alert));
  // [the menu just replaced, the current menu]: the replaced one stays referenced until the next
  // swap, so a click its closing delivers still finds it (electron#12803: a collected menu under a
  // running native menu crashes).
  let menus: [Menu | null, Menu | null] = [null, null];
  let deferral = closedMenu<TrayState>();
  // Cache the bounds: double-clicks carry none (max-mapper/menubar does the same).
  let lastBounds: Rectangle = tray.getBounds();

  tray.on('click', (_event, bounds) => {
    if (trayClickAction(platform) === 'show-window') {
      options.onActivate();
      return;
    }
    if (bounds.width > 0) lastBounds = bounds;
    options.onClick(lastBounds);
  });
  if (trayMenuMode(platform) === 'popup-on-right-click') {
    tray.on('right-click', () => {
      const current = menus[1];
      if (current) tray.popUpContextMenu(current);
    });
  }

  const setMenu = (state: TrayState) => {
    const next = Menu.buildFromTemplate(toMenuTemplate(buildTrayMenu(state), options.onAction, platform));
    next.on('menu-will-show', () => feed({ type: 'will-show' }));
    next.on('menu-will-close', () => feed({ type: 'will-close' }));
    menus = [menus[1], next];
    if (trayMenuMode(platform) === 'context-menu') tray.setContextMenu(next);
  };

  function feed(event: MenuEvent<TrayState>): void {
    const wasOpen = deferral.open;
    const step = stepMenu(deferral, event);
    deferral = step.next;
    if (deferral.open !== wasOpen) options.onMenuOpen(deferral.open);
    // On close, swap after the close has finished dispatching (and any click with it).
    if (step.apply !== null) {
      const state = step.apply;
      if (event.type === 'will-close') setImmediate(() => setMenu(state));
      else setMenu(state);
    }
  }

  const controller: TrayController = {
    update(state) {
      const nextAlert = hasWatchedDown(state.snapshot, state.settings);
      if (nextAlert !== alert) {
        alert = nextAlert;
        tray.setImage(image(alert));
      }
      tray.setToolTip(trayTooltip(state.snapshot, state.settings, state.paused));
      feed({ type: 'update', state });
    },
    deferral: () => deferral,
    currentMenu: () => menus[1],
    destroy() {
      menus = [null, null];
      tray.destroy();
    },
  };
  controller.update(options.initial);
  return controller;
}
