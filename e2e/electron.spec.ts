import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { HarbormasterApi } from '../app/contract/api.js';
import type { Listener } from '../app/model/listener.js';
import type { TrayMenuItem } from '../main/tray/tray-menu.js';
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
}

test.describe('Electron tray app', () => {
  test.skip(
    !hasElectronRuntime(),
    'Electron runtime not installed on this machine (cannot be downloaded here): node_modules/electron/dist missing',
  );
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;

  test.beforeAll(async () => {
    const executablePath = electronBinary() ?? '';
    app = await electron.launch({
      executablePath,
      // Chromium refuses to start as root without --no-sandbox (CI containers run as root).
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
      env: { ...process.env, HARBORMASTER_E2E: '1' },
      timeout: 30_000,
    });
  });

  test.afterAll(async () => {
    await app?.close();
    await killAllStarted();
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

    const listener = await page.evaluate(async (port) => {
      const api = (globalThis as unknown as { harbormaster: HarbormasterApi }).harbormaster;
      for (let i = 0; i < 50; i += 1) {
        const s = await api.getSnapshot();
        const l = s.listeners.find((x) => x.port === port);
        if (l) return l;
        await new Promise((r) => setTimeout(r, 200));
      }
      return null;
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
