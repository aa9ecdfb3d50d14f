import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { killAllStarted, ROOT, startServe, type ServeProcess } from './processes.js';

/** The default poll interval while a client is connected (DEFAULT_SETTINGS.pollIntervalMs). */
export const POLL_MS = 2000;

/** The Harbormaster page, with the few moves every spec needs. */
export interface AppPage {
  readonly page: Page;
  /** Loads the printed link and waits for the first snapshot. */
  open(): Promise<void>;
  /** Turns on "Other users" and "System" so test processes show even when the tests run as root. */
  showEveryone(): Promise<void>;
  /** Types into the filter box (replacing what was there). */
  filter(text: string): Promise<void>;
  /** The list row for a port (any protocol/family), by the renderer's data-port attribute. */
  row(port: number): Locator;
  /** A live (not fading-out) row for a port. */
  liveRow(port: number): Locator;
  /** The toolbar of actions for the selected row. */
  actions(port: number): Locator;
  /** Filters to `:port` and waits until exactly one live row shows it; returns that row. */
  showPort(port: number, options?: { timeout?: number }): Promise<Locator>;
  /** Shows the port's row, selects it and presses Kill… in its action bar (the dialog opens). */
  startKill(port: number): Promise<void>;
  /** Saves a screenshot as a test artifact under test-results/screenshots/ and attaches it. */
  screenshot(name: string): Promise<string>;
}

function createAppPage(page: Page, serve: ServeProcess): AppPage {
  const app: AppPage = {
    page,
    async open() {
      await page.goto(serve.url);
      // The summary shows "N listening" or "M shown · …" once the first snapshot has arrived.
      await expect(page.getByLabel('Scan summary')).toContainText(/\d+ (listening|shown)/);
    },
    async showEveryone() {
      const group = page.getByRole('group', { name: 'View options' });
      for (const name of [/^Other users/, /^System/]) {
        const toggle = group.getByRole('button', { name });
        // Under heavy load a click can land before the view is wired (or a settings push undo it):
        // click again until it stays on.
        await expect(async () => {
          if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
          await expect(toggle).toHaveAttribute('aria-pressed', 'true', { timeout: 3000 });
        }).toPass({ timeout: 30_000 });
      }
    },
    async filter(text) {
      const box = page.getByRole('searchbox', { name: 'Filter listeners' });
      await box.fill(text);
    },
    row: (port) => page.locator(`[role="option"][data-port="${port}"]`),
    liveRow: (port) => page.locator(`[role="option"][data-port="${port}"]:not(.is-gone)`),
    actions: (port) => page.getByRole('toolbar', { name: `Actions for port ${port}` }),
    async showPort(port, options) {
      await app.filter(`:${port}`);
      const row = app.liveRow(port);
      await expect(row).toHaveCount(1, options);
      return row;
    },
    async startKill(port) {
      await (await app.showPort(port)).click();
      await app.actions(port).getByRole('button', { name: 'Kill…' }).click();
    },
    async screenshot(name) {
      const dir = path.join(ROOT, 'test-results', 'screenshots');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, animations: 'disabled' });
      await base.info().attach(name, { path: file, contentType: 'image/png' });
      return file;
    },
  };
  return app;
}

/** Playwright test with a real `harbormaster serve` per test and every spawned process cleaned up by pid. */
export const test = base.extend<{ serve: ServeProcess; app: AppPage; cleanup: void }>({
  cleanup: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take a destructured first argument.
    async ({}, use) => {
      await use();
      await killAllStarted();
    },
    { auto: true },
  ],
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take a destructured first argument.
  serve: async ({}, use) => {
    const serve = await startServe();
    await use(serve);
    await serve.stop();
  },
  app: async ({ page, serve }, use) => {
    const app = createAppPage(page, serve);
    await app.open();
    await app.showEveryone();
    await use(app);
  },
});

export { expect };
