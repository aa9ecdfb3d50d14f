import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayMenuItem } from './tray-item.js';

/**
 * A menu label as the platform's menu should get it. Windows menus read `&` as a mnemonic marker
 * and `&&` as a literal `&`; Electron's Linux menus take the same Windows-style labels and convert
 * them with `ui::ConvertAcceleratorsFromWindowsStyle` ("Windows uses & with && as an escape for &",
 * e.g. electron shell/browser/ui/views/global_menu_bar_x11.cc), so an unescaped `R&D` shows as
 * `RD` with an underlined D. macOS shows labels as typed. Only menu labels are escaped:
 * notifications and dialogs show `&` as it is.
 */
export function menuLabel(label: string, platform: NodeJS.Platform): string {
  return platform === 'win32' || platform === 'linux' ? label.replace(/&/g, '&&') : label;
}

/**
 * Turns the plain-data menu into Electron's template, binding each intent to `dispatch`.
 * Electron appears only as types, so the binding is tested without Electron.
 */
export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  dispatch: (action: TrayAction) => void,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const out: MenuItemConstructorOptions = {};
    if (item.type !== undefined) out.type = item.type;
    if (item.label !== undefined) out.label = menuLabel(item.label, platform);
    if (item.enabled !== undefined) out.enabled = item.enabled;
    if (item.toolTip !== undefined) out.toolTip = item.toolTip;
    if (item.submenu) out.submenu = toMenuTemplate(item.submenu, dispatch, platform);
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
