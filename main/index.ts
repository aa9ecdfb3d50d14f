/**
 * Composition root of the Electron main process (ESM). Order matters: privileged scheme before
 * ready; hardening for every webContents before any window; IPC handlers before the first window
 * loads (electron/fiddle's main.ts explains the same ordering). Every decision lives in the pure
 * modules next to this file; this file only wires Electron to them.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, clipboard, dialog, ipcMain, session, shell } from 'electron';
import { diffSnapshots } from '../app/model/diff.js';
import { hmError, type HmError } from '../app/model/errors.js';
import type { Snapshot } from '../app/model/snapshot.js';
import { appPaths } from './app-paths.js';
import { createCoreClient } from './core-host/core-client.js';
import { startCoreHost } from './core-host/core-host-supervisor.js';
import { interestFor } from './interest.js';
import { createApiClient, invoke, type InvokeApi } from '../app/contract/methods.js';
import { broadcastSnapshot, registerIpcHandlers } from './ipc/register-ipc.js';
import { notificationsFor, type WatchedState } from './notifications/notifications-for.js';
import { showNotifications } from './notifications/notifier.js';
import { registerAppSchemePrivileged, serveBundle } from './protocol/register-app-protocol.js';
import { denyPermissions, hardenWebContents } from './security/harden-web-contents.js';
import { checkUrlToOpen } from './security/open-url.js';
import { applySystemSettings } from './settings/apply-settings.js';
import { loadSettingsFile, saveSettingsFile } from './settings/settings-store.js';
import { hasStatusNotifierWatcher } from './startup/status-notifier.js';
import {
  appUserModelId,
  openWindowAtStart,
  shouldShowTrayHint,
  startedAtLogin,
  TRAY_HINT,
  TRAY_HINT_MARKER,
  trayShows,
} from './startup/startup.js';
import { runTrayAction, type TrayActionDeps } from './tray/tray-actions.js';
import { createTrayKills } from './tray/tray-kills.js';
import { createTrayController } from './tray/tray-controller.js';
import { readTrayHosts, type TrayHosts } from './tray/tray-hosts.js';
import { buildTrayMenu, type TrayState } from './tray/tray-menu.js';
import { createWindowManager } from './window/window-manager.js';
import type { WindowRoute } from '../app/model/window-route.js';

const paths = appPaths(dirname(fileURLToPath(import.meta.url)));
const platform = process.platform;
const log = (line: string) => console.warn(`[harbormaster] ${line}`);

// End-to-end runs (unpackaged, HARBORMASTER_E2E=1) may point userData at a fresh folder to see a
// first run; before the single-instance lock, which lives there.
const e2eUserData =
  process.env['HARBORMASTER_E2E'] === '1' && !app.isPackaged
    ? process.env['HARBORMASTER_E2E_USER_DATA']
    : undefined;
if (e2eUserData) app.setPath('userData', e2eUserData);

// Must run before `ready` (https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes).
registerAppSchemePrivileged();

// One instance only: a second launch focuses the first one's window and exits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((e: unknown) => {
    log(`failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    app.exit(1);
  });
}

async function main(): Promise<void> {
  // Before any notification: Windows shows toasts only for the AUMID on the Start-menu shortcut
  // (startup.ts appUserModelId; https://www.electronjs.org/docs/latest/api/app#appsetappusermodelidid-windows).
  const aumid = appUserModelId({ platform, isPackaged: app.isPackaged, execPath: process.execPath });
  if (aumid !== null) app.setAppUserModelId(aumid);
  // Is there a tray host? Asked now, answered by the time the tray exists (GNOME needs an extension).
  const watcher = platform === 'linux' ? hasStatusNotifierWatcher() : Promise.resolve(null);
  // Security checklist #11–#14 for every webContents, including ones we did not expect.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  // A tray app keeps running when its last window closes.
  app.on('window-all-closed', () => undefined);

  await app.whenReady();
  if (platform === 'darwin') app.dock?.hide();
  denyPermissions(session.defaultSession);
  serveBundle(paths.rendererRoot);

  const userData = app.getPath('userData');
  const loaded = await loadSettingsFile(userData);
  for (const problem of loaded.problems) log(`settings: ${problem}`);
  if (loaded.backupPath) log(`settings: the unreadable file was kept as ${loaded.backupPath}`);
  await applySystemSettings(loaded.settings, log);
  // No settings file yet: the first run. Write the defaults so the next start is not a first run.
  const firstRun = loaded.status === 'missing';
  if (firstRun) {
    const saved = await saveSettingsFile(userData, loaded.settings);
    if (!saved.ok) log(saved.error.message);
  }

  const openUrl = async (url: string): Promise<HmError | null> => {
    let checked = checkUrlToOpen(url, client.latest());
    // Main's copy may trail the core by one scan; ask the core for its latest before refusing.
    if (!checked.ok) checked = checkUrlToOpen(url, await client.getSnapshot().catch(() => null));
    if (!checked.ok) return checked.error;
    try {
      await shell.openExternal(checked.value);
      return null;
    } catch (e) {
      return hmError(
        'OPEN_FAILED',
        `The browser could not be opened: ${e instanceof Error ? e.message : 'error'}.`,
      );
    }
  };
  const client = createCoreClient({ settings: loaded.settings, openUrl });

  const currentUid = process.getuid?.() ?? null;
  let menuOpen = false;
  const appPids = () => app.getAppMetrics().map((m) => m.pid);
  const refreshInterest = () => {
    client.setInterest(interestFor({ menuOpen, windowVisible: windows.anyVisible() }));
    client.setProtectedPids(appPids());
  };
  const windows = createWindowManager({
    preloadPath: paths.preload,
    platform,
    devTools: !app.isPackaged,
    icon: join(paths.assetsDir, 'icon-512.png'),
    onVisibility: refreshInterest,
  });
  const showWindow = (route: WindowRoute) => windows.show(route);
  // Pinned/opened ssh hosts and the forwards (issue 15), re-read every 5 s: the core polls the
  // hosts; this only peeks at their views, so the tray never opens a host itself.
  let trayHosts: TrayHosts | null = null;
  // Kills the tray started and still waits for: the menu offers "Cancel kill" for each.
  const trayKills = createTrayKills(() => tray.update(trayState()));
  const trayState = (): TrayState => ({
    snapshot: client.latest(),
    paused: client.latest()?.paused === true,
    settings: client.currentSettings(),
    currentUid,
    platform,
    hosts: trayHosts,
    killsWaiting: trayKills.list(),
  });

  const actionDeps: TrayActionDeps = {
    api: client,
    kills: trayKills,
    remote: client,
    latest: () => client.latest(),
    settings: () => client.currentSettings(),
    currentUid,
    platform,
    now: () => Date.now(),
    async confirm(d) {
      const r = await dialog.showMessageBox({
        type: 'warning',
        message: d.message,
        detail: d.detail,
        buttons: d.buttons,
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return r.response === 1;
    },
    copyText: (text) => clipboard.writeText(text),
    showWindow,
    report: (title, body) =>
      showNotifications([{ title, body, listenerId: null }], () => showWindow({ kind: 'list' })),
    quit: () => app.quit(),
  };
  const tray = createTrayController({
    assetsDir: paths.assetsDir,
    platform,
    initial: trayState(),
    onAction: (action) => void runTrayAction(action, actionDeps).then(() => tray.update(trayState())),
    onClick: (bounds) => windows.togglePopover(bounds),
    onActivate: () => showWindow({ kind: 'list' }),
    onMenuOpen: (open) => {
      menuOpen = open;
      refreshInterest();
    },
  });

  // The renderer's calls go to the core; a pause reaches the tray through the snapshot that announces it.
  const ipcApi: InvokeApi = createApiClient((method, arg) => invoke(client, method, arg));
  registerIpcHandlers(ipcMain, { api: ipcApi, trustedSenderIds: () => windows.trustedIds(), log });

  let lastGood: Snapshot | null = null;
  let watched: WatchedState | null = null;
  client.onSnapshot((snapshot) => {
    broadcastSnapshot(windows.targets(), snapshot);
    tray.update(trayState());
    const decided = notificationsFor({
      diff: diffSnapshots(lastGood, snapshot),
      snapshot,
      settings: client.currentSettings(),
      previous: watched,
      platform,
    });
    watched = decided.watched;
    if (!snapshot.stale && snapshot.status !== 'failed') lastGood = snapshot;
    showNotifications(decided.notifications, (listenerId, why) =>
      showWindow(
        why ? { kind: 'why', target: why } : listenerId ? { kind: 'focus', listenerId } : { kind: 'list' },
      ),
    );
  });
  client.onSettings((settings) => {
    void saveSettingsFile(userData, settings).then((r) => {
      if (!r.ok) log(r.error.message);
    });
    void applySystemSettings(settings, log);
    tray.update(trayState());
  });
  client.onInitFailed((error) => log(error.message));
  setInterval(() => {
    void readTrayHosts(client).then((next) => {
      if (JSON.stringify(next) === JSON.stringify(trayHosts)) return;
      trayHosts = next;
      tray.update(trayState());
    });
  }, 5_000).unref();

  const supervisor = startCoreHost({ entry: paths.coreHostEntry, client, protectedPids: appPids, log });
  client.setInterest('idle');

  app.on('second-instance', () => showWindow({ kind: 'list' }));

  // Something visible at start: the window on the first run, when the user launched the app, and
  // whenever the tray cannot show; the tray alone only for a login start (startup.ts).
  const trayVisible = trayShows({
    platform,
    xdgCurrentDesktop: process.env['XDG_CURRENT_DESKTOP'],
    watcher: await watcher,
  });
  const atLogin = startedAtLogin({
    platform,
    argv: process.argv,
    wasOpenedAtLogin: platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
  });
  const openedAtStart = openWindowAtStart({ firstRun, atLogin, trayShows: trayVisible });
  if (openedAtStart) showWindow({ kind: 'list' });
  const hintMarker = join(userData, TRAY_HINT_MARKER);
  if (shouldShowTrayHint({ trayShows: trayVisible, hintShown: existsSync(hintMarker) })) {
    await writeFile(hintMarker, `${new Date().toISOString()}\n`).catch(() => undefined);
    void dialog.showMessageBox({ type: 'info', noLink: true, ...TRAY_HINT });
  }

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void supervisor.stop().finally(() => {
      tray.destroy();
      windows.destroyAll();
      app.quit();
    });
  });

  // End-to-end hook (Playwright `_electron`): read the tray template and open the window from the
  // test through `electronApp.evaluate`. Only with HARBORMASTER_E2E=1 in an unpackaged build.
  if (process.env['HARBORMASTER_E2E'] === '1' && !app.isPackaged) {
    (globalThis as Record<string, unknown>)['__harbormasterE2E'] = {
      trayMenu: () => buildTrayMenu(trayState()),
      showWindow: () => showWindow({ kind: 'list' }),
      latest: () => client.latest(),
      // First launch (issue 11): what start decided, the AUMID set, and the tray menu's deferral.
      start: () => ({ firstRun, atLogin, trayVisible, openedAtStart, userData }),
      appUserModelId: () => aumid,
      trayMenuObject: () => tray.currentMenu(),
      trayDeferral: () => tray.deferral(),
      updateTray: () => tray.update(trayState()),
    };
  }
}
