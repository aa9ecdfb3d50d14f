import { HIDDEN_ARG } from '../startup/startup.js';

/** Quotes an argument for a desktop entry `Exec=` line (Desktop Entry Specification, "The Exec key"). */
export function quoteExecArg(arg: string): string {
  if (!/[\s"'\\`$<>|&;*?#()~]/.test(arg) && arg.length > 0) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * The `~/.config/autostart/harbormaster.desktop` file that starts the app at login on Linux
 * (https://specifications.freedesktop.org/autostart-spec/latest/). `executable` is the AppImage
 * path when running from one (`$APPIMAGE`), else the Electron executable. It passes `--hidden`, so
 * a login start stays in the tray (see `startedAtLogin`).
 */
export function autostartDesktopEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Harbormaster',
    'Comment=See what is listening on your ports',
    `Exec=${quoteExecArg(executable)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
