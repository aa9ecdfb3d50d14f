import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayMenuItem } from './tray-menu.js';

/**
 * Turns the plain-data menu into Electron's template, binding each intent to `dispatch`.
 * Electron appears only as types, so the binding is tested without Electron.
 */
export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  dispatch: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const out: MenuItemConstructorOptions = {};
    if (item.type !== undefined) out.type = item.type;
    if (item.label !== undefined) out.label = item.label;
    if (item.enabled !== undefined) out.enabled = item.enabled;
    if (item.toolTip !== undefined) out.toolTip = item.toolTip;
    if (item.submenu) out.submenu = toMenuTemplate(item.submenu, dispatch);
    const action = item.action;
    if (action) out.click = () => dispatch(action);
    return out;
  });
}

/**
 * How the menu is reached: Linux trays show it on click (they do not report clicks reliably), so
 * it is the context menu; Windows shows it on right-click while left-click toggles the popover;
 * on macOS a context menu would swallow the left click, so it is popped up on right-click instead
 * (https://www.electronjs.org/docs/latest/api/tray#traysetcontextmenumenu).
 */
export function trayMenuMode(platform: NodeJS.Platform): 'context-menu' | 'popup-on-right-click' {
  return platform === 'darwin' ? 'popup-on-right-click' : 'context-menu';
}
