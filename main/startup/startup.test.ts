import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { settingsWith } from '../../app/testing/fixtures.js';
import { hasStatusNotifierWatcher } from './status-notifier.js';
import {
  APP_ID,
  appUserModelId,
  HIDDEN_ARG,
  isGnome,
  launchAtLoginPlan,
  NAME_HAS_OWNER_ARGV,
  openWindowAtStart,
  parseNameHasOwner,
  shouldShowTrayHint,
  startedAtLogin,
  trayShows,
} from './startup.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('Windows AppUserModelID (toasts show only for the id on the Start-menu shortcut)', () => {
  it('is the electron-builder appId in a packaged build — the id NSIS stamps on the shortcut', () => {
    const builder = parse(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as { appId: string };
    expect(APP_ID).toBe(builder.appId);
    expect(appUserModelId({ platform: 'win32', isPackaged: true, execPath: 'C:\\x\\Harbormaster.exe' })).toBe(
      builder.appId,
    );
  });

  it('is the executable in a dev build (Electron notifications tutorial), and not set off Windows', () => {
    expect(appUserModelId({ platform: 'win32', isPackaged: false, execPath: 'C:\\e\\electron.exe' })).toBe(
      'C:\\e\\electron.exe',
    );
    expect(appUserModelId({ platform: 'darwin', isPackaged: true, execPath: '/x' })).toBeNull();
    expect(appUserModelId({ platform: 'linux', isPackaged: true, execPath: '/x' })).toBeNull();
  });
});

describe('the window at start', () => {
  it('opens on the first run (no settings file yet), even from a login start', () => {
    expect(openWindowAtStart({ firstRun: true, atLogin: true, trayShows: true })).toBe(true);
  });

  it('opens when the user started the app (launcher, desktop file), stays in the tray at login', () => {
    expect(openWindowAtStart({ firstRun: false, atLogin: false, trayShows: true })).toBe(true);
    expect(openWindowAtStart({ firstRun: false, atLogin: true, trayShows: true })).toBe(false);
    expect(openWindowAtStart({ firstRun: false, atLogin: true, trayShows: null })).toBe(false);
  });

  it('opens even at login when the tray cannot show (GNOME without a StatusNotifierWatcher)', () => {
    expect(openWindowAtStart({ firstRun: false, atLogin: true, trayShows: false })).toBe(true);
  });

  it('knows a login start by macOS wasOpenedAtLogin or our --hidden argument', () => {
    expect(startedAtLogin({ platform: 'darwin', argv: ['/A.app/x'], wasOpenedAtLogin: true })).toBe(true);
    expect(startedAtLogin({ platform: 'darwin', argv: ['/A.app/x'], wasOpenedAtLogin: false })).toBe(false);
    expect(startedAtLogin({ platform: 'win32', argv: ['H.exe', HIDDEN_ARG], wasOpenedAtLogin: false })).toBe(
      true,
    );
    expect(startedAtLogin({ platform: 'linux', argv: ['/opt/h', '.'], wasOpenedAtLogin: false })).toBe(false);
  });
});

describe('launch at login', () => {
  const on = settingsWith({ launchAtLogin: true });
  it('does nothing in a dev build on any platform (it would register bare Electron)', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      expect(launchAtLoginPlan(on, platform, false)).toEqual({ kind: 'none' });
    }
  });

  it('uses login items on macOS and Windows (Windows marks the start --hidden), a file on Linux', () => {
    expect(launchAtLoginPlan(on, 'darwin', true)).toEqual({
      kind: 'login-item',
      openAtLogin: true,
      args: [],
    });
    expect(launchAtLoginPlan(settingsWith({ launchAtLogin: false }), 'win32', true)).toEqual({
      kind: 'login-item',
      openAtLogin: false,
      args: [HIDDEN_ARG],
    });
    expect(launchAtLoginPlan(on, 'linux', true)).toEqual({ kind: 'autostart-file', enabled: true });
  });
});

describe('GNOME without a tray host', () => {
  it('reads XDG_CURRENT_DESKTOP lists', () => {
    expect(isGnome('ubuntu:GNOME')).toBe(true);
    expect(isGnome('GNOME')).toBe(true);
    expect(isGnome('KDE')).toBe(false);
    expect(isGnome(undefined)).toBe(false);
  });

  it('says the tray cannot show only on GNOME with no watcher; unknown when the bus could not be asked', () => {
    const gnome = { platform: 'linux' as const, xdgCurrentDesktop: 'ubuntu:GNOME' };
    expect(trayShows({ ...gnome, watcher: false })).toBe(false);
    expect(trayShows({ ...gnome, watcher: true })).toBe(true);
    expect(trayShows({ ...gnome, watcher: null })).toBeNull();
    expect(trayShows({ platform: 'linux', xdgCurrentDesktop: 'XFCE', watcher: false })).toBeNull();
    expect(trayShows({ platform: 'darwin', xdgCurrentDesktop: undefined, watcher: null })).toBe(true);
  });

  it('tells the user once', () => {
    expect(shouldShowTrayHint({ trayShows: false, hintShown: false })).toBe(true);
    expect(shouldShowTrayHint({ trayShows: false, hintShown: true })).toBe(false);
    expect(shouldShowTrayHint({ trayShows: null, hintShown: false })).toBe(false);
  });

  it('parses gdbus replies, and anything else is unknown', () => {
    expect(parseNameHasOwner('(true,)\n')).toBe(true);
    expect(parseNameHasOwner('(false,)\n')).toBe(false);
    expect(parseNameHasOwner('Error: GDBus.Error…')).toBeNull();
  });
});

// D-Bus session buses exist on Linux desktops; CI installs dbus-daemon and gdbus (system-packages.json).
const onLinux = process.platform === 'linux';
if (!onLinux) console.warn('skipped: the real session-bus tests need Linux (dbus-daemon, gdbus)');

describe.skipIf(!onLinux)('asking a real session bus (private dbus-daemon)', () => {
  let daemon: ChildProcess | null = null;
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'first-launch-dbus-'));
    const socket = join(dir, 'bus');
    daemon = spawn('dbus-daemon', ['--session', '--nofork', '--address', `unix:path=${socket}`], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !existsSync(socket); i += 1) await new Promise((r) => setTimeout(r, 50));
    env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` };
  });

  afterAll(() => {
    if (daemon?.pid !== undefined) process.kill(daemon.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds no StatusNotifierWatcher on a bus where no tray host runs', async () => {
    expect(await hasStatusNotifierWatcher({ env })).toBe(false);
  });

  it('finds a name that has an owner (the bus itself), so "false" above is a real answer', async () => {
    const argv = [...NAME_HAS_OWNER_ARGV.slice(0, -1), 'org.freedesktop.DBus'];
    expect(await hasStatusNotifierWatcher({ argv, env })).toBe(true);
  });

  it('is unknown when there is no bus to ask', async () => {
    const noBus = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'nope')}` };
    expect(await hasStatusNotifierWatcher({ env: noBus })).toBeNull();
  });
});
