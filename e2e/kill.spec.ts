import type { Listener } from '../app/model/listener.js';
import { expect, POLL_MS, test } from './support/fixtures.js';
import { canBindTcp, eventually, isAlive, killZeroError, startHttpServer } from './support/processes.js';
import { connectWs, snapshotOver, wsCall } from './support/ws-call.js';

// Kill: a real process holding a real port, through the whole pipeline (confirm → SIGTERM →
// verify), checked from outside: by pid (kill(pid, 0) → ESRCH) and by binding the port.

test('Kill → confirm with name and pid → the process is gone, the port is free, the row goes and the UI says freed', async ({
  app,
  page,
}) => {
  const server = await startHttpServer();
  await app.startKill(server.port);

  const dialog = page.getByRole('dialog', { name: `Kill node on port ${server.port}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('node');
  await expect(dialog).toContainText(String(server.pid));
  expect(isAlive(server.pid)).toBe(true);
  await dialog.getByRole('button', { name: 'Kill node' }).click();

  await expect(page.getByRole('dialog')).toContainText(new RegExp(`Port ${server.port} freed in`), {
    timeout: 15_000,
  });
  expect(killZeroError(server.pid)).toBe('ESRCH');
  expect(await canBindTcp(server.port)).toBe(true);
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(app.row(server.port)).toHaveCount(0, { timeout: POLL_MS * 3 });
});

test('a process that ignores SIGTERM shows "still running", then Force kills it', async ({ app, page }) => {
  const server = await startHttpServer({ ignoreTerm: true });
  await app.startKill(server.port);
  await page.getByRole('dialog').getByRole('button', { name: 'Kill node' }).click();

  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('still running', { timeout: 20_000 });
  await expect(dialog).toContainText(String(server.pid));
  expect(isAlive(server.pid)).toBe(true);
  expect(await canBindTcp(server.port)).toBe(false);

  await dialog.getByRole('button', { name: /Force kill/ }).click();
  await expect(dialog).toContainText(new RegExp(`Port ${server.port} freed in`), { timeout: 15_000 });
  expect(killZeroError(server.pid)).toBe('ESRCH');
  expect(await canBindTcp(server.port)).toBe(true);
});

test('a kill for a pid whose identity changed (stale start token) is refused and the process survives', async ({
  app,
  serve,
}) => {
  const server = await startHttpServer();
  await app.showPort(server.port);

  const attempt = await connectWs(serve);
  if (attempt.kind !== 'open') throw new Error(`authorized connection refused: ${attempt.status}`);
  const snapshot = await snapshotOver(attempt.ws);
  const listener = snapshot.listeners.find((l: Listener) => l.port === server.port && l.protocol === 'tcp');
  expect(listener?.owner.kind).toBe('process');
  if (!listener || listener.owner.kind !== 'process') return;
  expect(listener.owner.pid).toBe(server.pid);

  // Same pid, another incarnation: what a recycled pid would look like to the pipeline.
  const reply = await wsCall(attempt.ws, 'kill', {
    listenerId: listener.id,
    pid: server.pid,
    startToken: `${listener.owner.startToken}9`,
    mode: 'force',
  });
  attempt.ws.close();
  expect(reply).toMatchObject({ type: 'result', result: { ok: false, error: { code: 'PROCESS_CHANGED' } } });
  // Positive control instead of a fixed wait: a signal sent before the refusal would have ended
  // the server before it could answer a request made after it.
  const answer = await fetch(`http://127.0.0.1:${server.port}/`);
  expect(await answer.text()).toContain(String(server.pid));
  expect(isAlive(server.pid)).toBe(true);
  expect(await canBindTcp(server.port)).toBe(false);
});

test('confirming a kill after the port changed hands does not kill the new process', async ({
  app,
  page,
}) => {
  const first = await startHttpServer();
  await app.startKill(first.port);
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(String(first.pid));

  // While the user reads the dialog, the server dies and another process takes its port.
  await first.stop();
  const second = await startHttpServer({ port: first.port });
  expect(second.pid).not.toBe(first.pid);
  // Let the core see the new owner before the user confirms.
  await expect(app.liveRow(first.port)).toHaveAccessibleName(new RegExp(`pid ${second.pid}`), {
    timeout: POLL_MS * 3,
  });

  await dialog.getByRole('button', { name: /^Kill node/ }).click();
  await expect(dialog.getByRole('alert')).toBeVisible({ timeout: 15_000 });
  await expect(dialog).not.toContainText('freed');
  expect(await eventually(() => !isAlive(second.pid), 1000)).toBe(false);
  expect(isAlive(second.pid)).toBe(true);
  expect(await canBindTcp(first.port)).toBe(false);
});
