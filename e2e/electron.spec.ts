import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { HarbormasterApi } from '../app/contract/api.js';
import type { Listener } from '../app/model/listener.js';
import type { Snapshot } from '../app/model/snapshot.js';
import type { TrayMenuItem } from '../main/tray/tray-item.js';
import {
  canBindTcp,
  eventually,
  isAlive,
  killAllStarted,
  ROOT,
  startHttpServer,
} from './support/processes.js';

// The Electron app itself, through Playwright's `_electron` (https://playwright.dev/docs/api/class-electron):
// launch, the tray menu template read in the main process, the window listing a real listener,
// and killing it through the preload bridge. Needs the Electron runtime, which cannot be
// downloaded on this project's build machines; there every test here is reported as skipped.

/**
 * The Electron executable, found the way the `electron` package's index.js does (path.txt + dist/),
 * without requiring 'electron' (that would start a download).
 */
function electronBinary(): string | null {
  const dir = path.join(ROOT, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

function hasElectronRuntime(): boolean {
  return electronBinary() !== null;
}

interface E2EHook {
  trayMenu(): TrayMenuItem[];
  showWindow(): void;
  start(): { firstRun: boolean; atLogin: boolean; trayVisible: boolean | null; openedAtStart: boolean };
  appUserModelId(): string | null;
  trayMenuObject(): { emit(event: string): boolean } | null;
  trayDeferral(): { open: boolean; pending: unknown };
  updateTray(): void;
}

/** Launches the unpackaged app with its own userData folder (a first run when the folder is new). */
function launch(userData: string, extraArgs: readonly string[] = []): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: electronBinary() ?? '',
    // Chromium refuses to start as root without --no-sandbox (CI containers run as root).
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT, ...extraArgs],
    env: { ...process.env, HARBORMASTER_E2E: '1', HARBORMASTER_E2E_USER_DATA: userData },
    timeout: 30_000,
  });
}

test.describe('Electron tray app', () => {
  test.skip(
    !hasElectronRuntime(),
    'Electron runtime not installed on this machine (cannot be downloaded here): node_modules/electron/dist missing',
  );
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let userData = '';

  test.beforeAll(async () => {
    userData = mkdtempSync(path.join(tmpdir(), 'first-launch-e2e-'));
    app = await launch(userData);
  });

  test.afterAll(async () => {
    await app?.close();
    await killAllStarted();
    rmSync(userData, { recursive: true, force: true });
  });

  test('opens the window on the first run (no settings file yet) and writes the settings file', async () => {
    const start = await app.evaluate(() =>
      (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E.start(),
    );
    expect(start).toMatchObject({ firstRun: true, openedAtStart: true });
    const page = await app.firstWindow();
    await expect(page).toHaveURL(/^app:\/\/bundle\//);
    expect(existsSync(path.join(userData, 'settings.json'))).toBe(true);
  });

  test('a login start (--hidden) stays in the tray once it is not the first run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'first-launch-e2e-login-'));
    try {
      const first = await launch(dir, ['--hidden']);
      const a = await first.evaluate(() =>
        (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E.start(),
      );
      await first.close();
      expect(a).toMatchObject({ firstRun: true, atLogin: true, openedAtStart: true });
      const again = await launch(dir, ['--hidden']);
      const b = await again.evaluate(() =>
        (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E.start(),
      );
      const windows = again.windows().length;
      await again.close();
      expect(b.firstRun).toBe(false);
      expect(b.atLogin).toBe(true);
      // Only a tray that cannot show (GNOME without a StatusNotifierWatcher) opens the window here.
      expect(b.openedAtStart).toBe(b.trayVisible === false);
      if (!b.openedAtStart) expect(windows).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('never replaces the tray menu while it is open; the latest state applies when it closes', async () => {
    const seen = await app.evaluate(async () => {
      const h = (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E;
      const before = h.trayMenuObject();
      if (before === null) return null;
      before.emit('menu-will-show');
      h.updateTray();
      h.updateTray();
      const during = { same: h.trayMenuObject() === before, ...h.trayDeferral() };
      before.emit('menu-will-close');
      // The controller swaps the menu on the next setImmediate turn after the close (tray-controller.ts).
      await new Promise((r) => setImmediate(r));
      const after = { replaced: h.trayMenuObject() !== before, ...h.trayDeferral() };
      return {
        during: { same: during.same, open: during.open, pending: during.pending !== null },
        after: { replaced: after.replaced, open: after.open, pending: after.pending !== null },
      };
    });
    expect(seen).toEqual({
      during: { same: true, open: true, pending: true },
      after: { replaced: true, open: false, pending: false },
    });
  });

  test('sets the AppUserModelID on Windows before any notification', async () => {
    test.skip(process.platform !== 'win32', 'AppUserModelIDs exist only on Windows');
    const ids = await app.evaluate(({ app: electronApp }) => {
      const h = (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E;
      const reader = (electronApp as unknown as { getAppUserModelId?: () => string }).getAppUserModelId;
      return {
        set: h.appUserModelId(),
        read: typeof reader === 'function' ? reader.call(electronApp) : null,
        execPath: process.execPath,
      };
    });
    // Unpackaged: the executable (Electron's notifications tutorial); packaged builds use the appId.
    expect(ids.set).toBe(ids.execPath);
    if (ids.read !== null) expect(ids.read).toBe(ids.set);
  });

  const showWindow = async (): Promise<Page> => {
    await app.evaluate(() =>
      (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E.showWindow(),
    );
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    return page;
  };

  test('builds the tray menu in the main process with the fixed items', async () => {
    const menu = await app.evaluate(() =>
      (globalThis as unknown as { __harbormasterE2E: E2EHook }).__harbormasterE2E.trayMenu(),
    );
    const labels = menu.map((i) => i.label);
    expect(labels).toEqual(
      expect.arrayContaining(['Who holds port…', 'Open Harbormaster', 'Quit Harbormaster']),
    );
    expect(labels.some((l) => l === 'Pause scanning' || l === 'Resume scanning')).toBe(true);
  });

  test('loads the bundle from app://, isolated, with exactly the contract on window.harbormaster', async () => {
    const page = await showWindow();
    expect(page.url()).toMatch(/^app:\/\/bundle\//);
    const shape = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      return {
        keys: Object.keys((g['harbormaster'] ?? {}) as object).sort(),
        require: typeof g['require'],
        process: typeof g['process'],
      };
    });
    expect(shape.require).toBe('undefined');
    expect(shape.process).toBe('undefined');
    expect(shape.keys).toEqual(
      [
        'checkHealth',
        'getSettings',
        'getSnapshot',
        'kill',
        'lookup',
        'onConnection',
        'onSnapshot',
        'open',
        'setPaused',
        'updateSettings',
      ].sort(),
    );
  });

  test('shows a real listener in the window and kills it through the bridge', async () => {
    const server = await startHttpServer();
    const page = await showWindow();
    await expect(page.getByText(`:${server.port}`).first()).toBeVisible({ timeout: 20_000 });

    // Waits for the snapshot that lists it (pushed by the core), not for a fixed number of polls.
    const listener = await page.evaluate(async (port) => {
      const api = (globalThis as unknown as { harbormaster: HarbormasterApi }).harbormaster;
      const find = (s: Snapshot): Listener | null => s.listeners.find((x) => x.port === port) ?? null;
      const now = find(await api.getSnapshot());
      if (now) return now;
      return new Promise<Listener>((resolve) => {
        const off = api.onSnapshot((s) => {
          const l = find(s);
          if (l) {
            off();
            resolve(l);
          }
        });
      });
    }, server.port);
    expect(listener?.owner.kind).toBe('process');
    const owner = (listener as Listener).owner;
    if (owner.kind !== 'process') throw new Error('owner not resolved');

    const result = await page.evaluate(
      (req) => (globalThis as unknown as { harbormaster: HarbormasterApi }).harbormaster.kill(req),
      {
        listenerId: (listener as Listener).id,
        pid: owner.pid,
        startToken: owner.startToken,
        mode: 'graceful' as const,
      },
    );
    expect(result.ok).toBe(true);
    expect(await eventually(() => !isAlive(server.pid), 15_000)).toBe(true);
    expect(await canBindTcp(server.port)).toBe(true);
  });

  test('refuses a URL where a listener id belongs, before it reaches the core', async () => {
    const page = await showWindow();
    const result = await page.evaluate(() =>
      (globalThis as unknown as { harbormaster: HarbormasterApi }).harbormaster.open({
        listenerId: 'file:///etc/passwd',
      }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});
