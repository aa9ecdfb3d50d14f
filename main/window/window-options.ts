import type { BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from '../security/web-preferences.js';

/** The two window modes: a small popover by the tray, or a normal resizable window. */
export type WindowMode = 'popover' | 'window';

/** Size of the popover, DIP. */
export const POPOVER_SIZE = Object.freeze({ width: 420, height: 560 });

/** Constructor options for a window mode, always with the hardened webPreferences. */
export function windowOptionsFor(
  mode: WindowMode,
  options: {
    readonly preloadPath: string;
    readonly platform: NodeJS.Platform;
    readonly devTools?: boolean;
    readonly icon?: string;
  },
): BrowserWindowConstructorOptions {
  const webPreferences = secureWebPreferences(options.preloadPath, { devTools: options.devTools ?? false });
  const common: BrowserWindowConstructorOptions = {
    show: false,
    title: 'Harbormaster',
    backgroundColor: '#0f172a',
    ...(options.icon !== undefined && options.platform !== 'darwin' ? { icon: options.icon } : {}),
    webPreferences,
  };
  if (mode === 'popover') {
    return {
      ...common,
      width: POPOVER_SIZE.width,
      height: POPOVER_SIZE.height,
      frame: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
    };
  }
  return {
    ...common,
    width: 960,
    height: 640,
    minWidth: 560,
    minHeight: 400,
    resizable: true,
    autoHideMenuBar: true,
  };
}
