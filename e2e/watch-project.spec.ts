import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, POLL_MS, test } from './support/fixtures.js';
import { connectWs, wsCall } from './support/ws-call.js';

// Issue 16 item 5: a watched *project* (not only a port) notifies in browser mode through the
// Notification API, as main's notifier does in Electron. A real server in a real project folder.
test.describe.configure({ timeout: 120_000 });

function startProjectServer(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const script = `const s = require('node:http').createServer((q, r) => r.end('ok'));
    s.listen(0, '127.0.0.1', () => console.log('LISTENING ' + s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /LISTENING (\d+)/.exec(buf);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`project server exited (${code})`)));
  });
}

/** Records every notification the page shows (the real Notification class still shows it). */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Options = { readonly body?: string };
    type NotificationClass = new (title: string, options?: Options) => object;
    const shown: { title: string; body: string }[] = [];
    const g = globalThis as unknown as {
      shownNotifications: typeof shown;
      Notification: NotificationClass;
    };
    g.shownNotifications = shown;
    const Real = g.Notification;
    class Recording extends Real {
      constructor(title: string, options?: Options) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    }
    // The real class's statics (permission, requestPermission) stay reachable through the prototype chain.
    Object.setPrototypeOf(Recording, Real);
    Object.defineProperty(globalThis, 'Notification', { value: Recording, configurable: true });
  });
}

/** The notifications the page showed so far. */
function shownIn(page: Page): () => Promise<unknown[]> {
  return () =>
    page.evaluate(() => (globalThis as unknown as { shownNotifications: unknown[] }).shownNotifications);
}

test('a watched project that goes down and comes back notifies through the browser', async ({
  serve,
  page,
  context,
}) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'h-click-project-'));
  const name = `h-click-shop-${path.basename(dir).slice(-6).toLowerCase()}`;
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  let server: ChildProcess | null = null;
  try {
    // The user allowed notifications; the page's calls to the real API are recorded.
    await context.grantPermissions(['notifications'], { origin: serve.origin });
    await recordNotifications(page);
    // Watch the project (settings are shared by every face; the window reads them on load).
    const attempt = await connectWs(serve);
    if (attempt.kind !== 'open') throw new Error(`ws rejected: ${attempt.status}`);
    const set = await wsCall(attempt.ws, 'updateSettings', { watchedProjects: [name] });
    expect(set).toMatchObject({ type: 'result', result: { ok: true } });
    attempt.ws.close();

    const first = await startProjectServer(dir);
    server = first.child;
    await page.goto(serve.url);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { Notification: { permission: string } }).Notification.permission,
      ),
    ).toBe('granted');
    await page.getByRole('searchbox', { name: 'Filter listeners' }).fill(`:${first.port}`);
    await expect(page.locator(`[role="option"][data-port="${first.port}"]`)).toHaveCount(1, {
      timeout: POLL_MS * 4,
    });

    const shown = shownIn(page);
    server.kill('SIGTERM');
    await expect.poll(shown, { timeout: POLL_MS * 6 }).toContainEqual({
      title: `Project ${name} is down`,
      body: `node (pid ${first.child.pid}) stopped listening on port ${first.port}.`,
    });

    const again = await startProjectServer(dir);
    server = again.child;
    await expect.poll(shown, { timeout: POLL_MS * 6 }).toContainEqual({
      title: `Project ${name} is back`,
      body: `node (pid ${again.child.pid}) is listening on port ${again.port}.`,
    });
  } finally {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a project watched from the details pane (keyboard) is saved, survives a reload and notifies', async ({
  app,
  serve,
  page,
  context,
}) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'h-watch-project-'));
  const name = `h-watch-${path.basename(dir).slice(-6).toLowerCase()}`;
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  let server: ChildProcess | null = null;
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await context.grantPermissions(['notifications'], { origin: serve.origin });
    await recordNotifications(page);
    const first = await startProjectServer(dir);
    server = first.child;
    await app.open();
    await (await app.showPort(first.port, { timeout: POLL_MS * 4 })).click();
    const details = page.getByRole('region', { name: `Details for port ${first.port}` });
    const toggle = details.getByRole('button', { name: `Watch project ${name}` });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(app.liveRow(first.port)).toHaveAccessibleName(/, watched$/);

    // Saved in the core's settings, which every face reads: a reload shows it watched.
    const attempt = await connectWs(serve);
    if (attempt.kind !== 'open') throw new Error(`ws rejected: ${attempt.status}`);
    const read = await wsCall(attempt.ws, 'getSettings');
    attempt.ws.close();
    expect(read).toMatchObject({ type: 'result', result: { watchedProjects: [name] } });
    await page.reload();
    await expect(page.getByLabel('Scan summary')).toContainText(/\d+ (listening|shown)/);
    await (await app.showPort(first.port, { timeout: POLL_MS * 4 })).click();
    await expect(details.getByRole('button', { name: `Watch project ${name}` })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    server.kill('SIGTERM');
    await expect.poll(shownIn(page), { timeout: POLL_MS * 6 }).toContainEqual({
      title: `Project ${name} is down`,
      body: `node (pid ${first.child.pid}) stopped listening on port ${first.port}.`,
    });
  } finally {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
