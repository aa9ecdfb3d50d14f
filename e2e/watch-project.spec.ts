import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

    const shown = () =>
      page.evaluate(() => (globalThis as unknown as { shownNotifications: unknown[] }).shownNotifications);
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
