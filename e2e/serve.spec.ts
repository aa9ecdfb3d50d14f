import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './support/fixtures.js';
import { canBindTcp, ROOT, startHttpServer } from './support/processes.js';
import { connectWs, wsCall } from './support/ws-call.js';

// The `harbormaster serve` command itself, as a user runs it: Ctrl+C, a taken port.

function runServe(
  args: readonly string[],
  stopAfterMs: number | null,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'harbormaster.js'), 'serve', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let stopTimer: ReturnType<typeof setTimeout> | null = null;
    const signal = (name: NodeJS.Signals): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
        process.kill(child.pid, name);
    };
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (stopAfterMs !== null && stopTimer === null && out.includes('#token=')) {
        stopTimer = setTimeout(() => signal('SIGINT'), stopAfterMs);
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const guard = setTimeout(() => signal('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      if (stopTimer !== null) clearTimeout(stopTimer);
      resolve({ code, out, err });
    });
  });
}

test('Ctrl+C stops serve cleanly: exit 0, the port is released, and the page says the connection was lost', async ({
  app,
  serve,
  page,
}) => {
  await expect(app.page.getByRole('alert')).toHaveCount(0);
  expect(await serve.stop()).toBe(0);
  expect(await canBindTcp(serve.port)).toBe(true);
  await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeVisible();
});

test('pause and resume in the page; a resume by another face shows there too (snapshot.paused is the one state)', async ({
  app,
  serve,
}) => {
  const header = app.page.getByRole('banner');
  await app.page.getByRole('button', { name: 'Pause scanning' }).click();
  await expect(header.getByText('Paused', { exact: true })).toBeVisible();
  await expect(app.page.getByRole('status').filter({ hasText: 'Scanning is paused' })).toBeVisible();

  // Another face (the tray or the CLI would do the same) resumes over its own connection.
  const other = await connectWs(serve);
  if (other.kind !== 'open') throw new Error(`second connection refused: ${other.status}`);
  const reply = await wsCall(other.ws, 'setPaused', { paused: false });
  other.ws.close();
  expect(reply).toMatchObject({ type: 'result', result: { ok: true, value: { paused: false } } });
  await expect(header.getByText('Paused', { exact: true })).toHaveCount(0);
  await expect(app.page.getByRole('button', { name: 'Pause scanning' })).toBeEnabled();

  await app.page.getByRole('button', { name: 'Pause scanning' }).click();
  await expect(header.getByText('Paused', { exact: true })).toBeVisible();
  await app.page.getByRole('button', { name: 'Resume scanning' }).click();
  await expect(header.getByText('Paused', { exact: true })).toHaveCount(0);
});

test('a taken port: serve says who holds it and exits 1; with --any-port it moves to a free port', async () => {
  const holder = await startHttpServer();
  const refused = await runServe(['--port', String(holder.port), '--no-open'], null);
  expect(refused.code).toBe(1);
  expect(refused.err).toContain(`Port ${holder.port} is already in use by node (pid ${holder.pid}`);
  expect(refused.out).not.toContain('#token=');

  const moved = await runServe(['--port', String(holder.port), '--no-open', '--any-port'], 200);
  expect(moved.code).toBe(0);
  expect(moved.out).toContain(`Port ${holder.port} is in use by node (pid ${holder.pid}`);
  const port = /http:\/\/127\.0\.0\.1:(\d+)\/#token=/.exec(moved.out)?.[1];
  expect(port).toBeDefined();
  expect(Number(port)).not.toBe(holder.port);
});

test('bad options exit 2 with the valid range', async () => {
  const bad = await runServe(['--port', '619009', '--no-open'], null);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('1–65535');
});
