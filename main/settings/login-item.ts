import type { Settings } from '../../app/model/settings.js';

/**
 * `app.setLoginItemSettings` arguments, or null on Linux where Electron does not implement it
 * (https://www.electronjs.org/docs/latest/api/app#appsetloginitemsettingssettings-macos-windows);
 * Linux gets an XDG autostart entry instead (see {@link autostartDesktopEntry}).
 */
export function loginItemSettings(
  settings: Settings,
  platform: NodeJS.Platform,
): { openAtLogin: boolean } | null {
  if (platform !== 'darwin' && platform !== 'win32') return null;
  return { openAtLogin: settings.launchAtLogin };
}

/** Quotes an argument for a desktop entry `Exec=` line (Desktop Entry Specification, "The Exec key"). */
export function quoteExecArg(arg: string): string {
  if (!/[\s"'\\`$<>|&;*?#()~]/.test(arg) && arg.length > 0) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * The `~/.config/autostart/harbormaster.desktop` file that starts the app at login on Linux
 * (https://specifications.freedesktop.org/autostart-spec/latest/). `executable` is the AppImage
 * path when running from one (`$APPIMAGE`), else the Electron executable.
 */
export function autostartDesktopEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Harbormaster',
    'Comment=See what is listening on your ports',
    `Exec=${quoteExecArg(executable)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
