import { join } from 'node:path';
import { Menu, nativeImage, Tray, type Rectangle } from 'electron';
import { trayClickOpensPopover } from '../window/popover-toggle.js';
import { toMenuTemplate, trayMenuMode } from './to-menu-template.js';
import { hasWatchedDown, trayIconFor, trayTooltip } from './tray-icon.js';
import { buildTrayMenu, type TrayAction, type TrayState } from './tray-menu.js';

/** Glue: the one owner of the Tray object (kept referenced so it is never garbage-collected). */
export interface TrayController {
  /** Rebuilds icon, tooltip and menu from state (Linux needs `setContextMenu` again after every change). */
  update(state: TrayState): void;
  destroy(): void;
}

/** Creates the tray icon; clicks and menu intents are reported through the callbacks. */
export function createTrayController(options: {
  readonly assetsDir: string;
  readonly platform: NodeJS.Platform;
  readonly initial: TrayState;
  readonly onAction: (action: TrayAction) => void;
  readonly onClick: (bounds: Rectangle) => void;
  readonly onMenuOpen: (open: boolean) => void;
}): TrayController {
  const { platform } = options;
  const image = (alert: boolean) =>
    nativeImage.createFromPath(join(options.assetsDir, trayIconFor({ alert }, platform)));
  let alert = hasWatchedDown(options.initial.snapshot, options.initial.settings);
  const tray = new Tray(image(alert));
  let menu: Menu | null = null;
  // Cache the bounds: double-clicks carry none (max-mapper/menubar does the same).
  let lastBounds: Rectangle = tray.getBounds();

  if (trayClickOpensPopover(platform)) {
    tray.on('click', (_event, bounds) => {
      if (bounds.width > 0) lastBounds = bounds;
      options.onClick(lastBounds);
    });
  }
  if (trayMenuMode(platform) === 'popup-on-right-click') {
    tray.on('right-click', () => {
      if (menu) tray.popUpContextMenu(menu);
    });
  }

  const controller: TrayController = {
    update(state) {
      const nextAlert = hasWatchedDown(state.snapshot, state.settings);
      if (nextAlert !== alert) {
        alert = nextAlert;
        tray.setImage(image(alert));
      }
      tray.setToolTip(trayTooltip(state.snapshot, state.settings, state.paused));
      const next = Menu.buildFromTemplate(toMenuTemplate(buildTrayMenu(state), options.onAction));
      next.on('menu-will-show', () => options.onMenuOpen(true));
      next.on('menu-will-close', () => options.onMenuOpen(false));
      menu = next;
      if (trayMenuMode(platform) === 'context-menu') tray.setContextMenu(next);
    },
    destroy() {
      tray.destroy();
    },
  };
  controller.update(options.initial);
  return controller;
}
