import type { Settings } from '../../app/model/settings.js';

/**
 * First-launch decisions (Electron-free; index.ts wires them): the Windows AppUserModelID, whether
 * the window opens at start, login-item arguments, and the GNOME "no tray" hint.
 */

/** electron-builder.yml `appId`; the NSIS installer stamps it on the Start-menu shortcut. */
export const APP_ID = 'dev.harbormaster.app';

/** Argument a login start carries (Windows login item `args`, the Linux autostart `Exec`). */
export const HIDDEN_ARG = '--hidden';

/**
 * The AppUserModelID to set before any notification, or null off Windows. Windows shows a toast
 * only for an AUMID that a Start-menu shortcut carries: the NSIS installer sets the shortcut's to
 * the appId (app-builder-lib templates/nsis/include/installer.nsh `WinShell::SetLnkAUMI … ${APP_ID}`),
 * so the packaged app must call `app.setAppUserModelId(appId)`
 * (https://www.electronjs.org/docs/latest/api/app#appsetappusermodelidid-windows). An unpackaged
 * run has no such shortcut; Electron's notifications tutorial says to use `process.execPath` then
 * (with electron.exe pinned to Start).
 */
export function appUserModelId(input: {
  readonly platform: NodeJS.Platform;
  readonly isPackaged: boolean;
  readonly execPath: string;
}): string | null {
  if (input.platform !== 'win32') return null;
  return input.isPackaged ? APP_ID : input.execPath;
}

/**
 * True when this start came from the login items / autostart rather than from the user (a
 * launcher, a desktop file, the Dock, a terminal). macOS reports it (`wasOpenedAtLogin`,
 * https://www.electronjs.org/docs/latest/api/app#appgetloginitemsettingsoptions-macos-windows);
 * on Windows and Linux our own login entries pass {@link HIDDEN_ARG}.
 */
export function startedAtLogin(input: {
  readonly platform: NodeJS.Platform;
  readonly argv: readonly string[];
  readonly wasOpenedAtLogin: boolean;
}): boolean {
  if (input.platform === 'darwin' && input.wasOpenedAtLogin) return true;
  return input.argv.includes(HIDDEN_ARG);
}

/**
 * Whether the window opens at start, so there is always something to see:
 * - on the first run (no settings file yet), whatever started it;
 * - whenever the user started it (launcher, desktop file) — a tray icon alone may be invisible
 *   (GNOME without the AppIndicator extension) or easy to miss;
 * - when the tray is known not to show (no StatusNotifierWatcher on GNOME), even at login.
 * A login start with a working (or unknown) tray stays in the tray.
 */
export function openWindowAtStart(input: {
  readonly firstRun: boolean;
  readonly atLogin: boolean;
  readonly trayShows: boolean | null;
}): boolean {
  return input.firstRun || !input.atLogin || input.trayShows === false;
}

/**
 * Launch at login, for packaged builds only: a dev build (`electron .`) would register the bare
 * Electron executable, which opens Electron's default app at every login. Linux has no login
 * items in Electron (https://www.electronjs.org/docs/latest/api/app#appsetloginitemsettingssettings-macos-windows),
 * so it gets an XDG autostart file instead.
 */
export type LaunchAtLoginPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'login-item'; readonly openAtLogin: boolean; readonly args: readonly string[] }
  | { readonly kind: 'autostart-file'; readonly enabled: boolean };

/** Decides how (and whether) to apply the launch-at-login setting. */
export function launchAtLoginPlan(
  settings: Pick<Settings, 'launchAtLogin'>,
  platform: NodeJS.Platform,
  isPackaged: boolean,
): LaunchAtLoginPlan {
  if (!isPackaged) return { kind: 'none' };
  if (platform === 'darwin') return { kind: 'login-item', openAtLogin: settings.launchAtLogin, args: [] };
  // Windows passes `args` to the Run-key command line; macOS ignores them and reports wasOpenedAtLogin.
  if (platform === 'win32')
    return { kind: 'login-item', openAtLogin: settings.launchAtLogin, args: [HIDDEN_ARG] };
  if (platform === 'linux') return { kind: 'autostart-file', enabled: settings.launchAtLogin };
  return { kind: 'none' };
}

/** The D-Bus name a StatusNotifierItem tray host owns (KDE, and GNOME with the AppIndicator extension). */
export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

/**
 * The `gdbus` call that asks the session bus whether {@link STATUS_NOTIFIER_WATCHER} has an owner
 * (org.freedesktop.DBus.NameHasOwner, https://dbus.freedesktop.org/doc/dbus-specification.html#bus-messages-name-has-owner).
 */
export const NAME_HAS_OWNER_ARGV: readonly string[] = [
  'gdbus',
  'call',
  '--session',
  '--dest',
  'org.freedesktop.DBus',
  '--object-path',
  '/org/freedesktop/DBus',
  '--method',
  'org.freedesktop.DBus.NameHasOwner',
  STATUS_NOTIFIER_WATCHER,
];

/** Parses gdbus's reply (`(true,)` / `(false,)`); anything else is "could not tell" (null). */
export function parseNameHasOwner(stdout: string): boolean | null {
  const m = /^\s*\((true|false),\)\s*$/.exec(stdout);
  return m ? m[1] === 'true' : null;
}

/** True on a GNOME session (`XDG_CURRENT_DESKTOP` is a colon-separated list, e.g. `ubuntu:GNOME`). */
export function isGnome(xdgCurrentDesktop: string | undefined): boolean {
  return (xdgCurrentDesktop ?? '').split(':').some((d) => d.trim().toUpperCase() === 'GNOME');
}

/**
 * Whether the tray icon can show, as far as we can tell: false only on GNOME with no
 * StatusNotifierWatcher on the session bus (GNOME Shell has no tray of its own; Electron's Linux
 * tray is a StatusNotifierItem). Elsewhere, or when the bus could not be asked, null (unknown).
 */
export function trayShows(input: {
  readonly platform: NodeJS.Platform;
  readonly xdgCurrentDesktop: string | undefined;
  readonly watcher: boolean | null;
}): boolean | null {
  if (input.platform !== 'linux') return true;
  if (input.watcher === true) return true;
  return isGnome(input.xdgCurrentDesktop) && input.watcher === false ? false : null;
}

/** Shown once (a marker in userData remembers it) when {@link trayShows} is false. */
export const TRAY_HINT = {
  title: 'Harbormaster has no tray icon here',
  message: 'GNOME shows tray icons only with the AppIndicator extension.',
  detail:
    'Install "AppIndicator and KStatusNotifierItem Support" (Debian/Ubuntu: sudo apt install ' +
    'gnome-shell-extension-appindicator, then log out and in; Ubuntu ships it enabled as ' +
    '"Ubuntu AppIndicators"). Until then, open Harbormaster from the app launcher: the window ' +
    'does everything the tray does.',
} as const;

/** File in userData whose existence means the tray hint was already shown. */
export const TRAY_HINT_MARKER = 'tray-hint-shown';

/** Whether to show the GNOME tray hint now: the tray cannot show and the hint was never shown. */
export function shouldShowTrayHint(input: {
  readonly trayShows: boolean | null;
  readonly hintShown: boolean;
}): boolean {
  return input.trayShows === false && !input.hintShown;
}
