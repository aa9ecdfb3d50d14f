import { expect, POLL_MS, test } from './support/fixtures.js';
import { startHttpServer, startUdpListener } from './support/processes.js';

// Glance: a real server started by the test shows up with the right process, pid, exposure and
// health, and goes away when it stops. Timing budget: one poll interval plus scan and render slack.
const APPEAR_BUDGET_MS = POLL_MS + 1500;

test('a new HTTP server appears within one poll interval with its process, pid, exposure and HTTP 200', async ({
  app,
}) => {
  const server = await startHttpServer();
  const listeningAt = Date.now();
  const row = await app.showPort(server.port, { timeout: APPEAR_BUDGET_MS + 2000 });
  const appearedMs = Date.now() - listeningAt;
  test.info().annotations.push({ type: 'row appeared after (ms)', description: String(appearedMs) });
  expect(appearedMs).toBeLessThanOrEqual(APPEAR_BUDGET_MS);

  await expect(row).toHaveAccessibleName(
    new RegExp(`^Port ${server.port} tcp4 127\\.0\\.0\\.1, [^,]*node\\)?, pid ${server.pid}, `),
  );
  await expect(row).toContainText('node');
  await expect(row).toContainText(String(server.pid));
  await expect(row).toContainText('loopback');
  // The health badge: probed over HTTP by the core (a node process looks like a web server).
  await expect(row).toContainText('HTTP 200', { timeout: POLL_MS * 3 });
  await expect(row).toHaveAccessibleName(/HTTP 200/);
  // The name carries what a sighted user reads at a glance: exposure, health and whose it is.
  await expect(row).toHaveAccessibleName(/, loopback, HTTP 200 .*, user \S+/);

  await server.stop();
  await expect(app.row(server.port)).toHaveCount(0, { timeout: POLL_MS * 4 });
});

test('a UDP listener and an IPv6-only listener appear too', async ({ app }) => {
  const udp = await startUdpListener();
  const v6 = await startHttpServer({ host: '::1' });

  const udpRow = await app.showPort(udp.port, { timeout: APPEAR_BUDGET_MS + 2000 });
  await expect(udpRow).toHaveAccessibleName(
    new RegExp(`^Port ${udp.port} udp4 127\\.0\\.0\\.1, [^,]*node\\)?, pid ${udp.pid}, `),
  );

  const v6Row = await app.showPort(v6.port, { timeout: APPEAR_BUDGET_MS + 2000 });
  await expect(v6Row).toHaveAccessibleName(
    new RegExp(`^Port ${v6.port} tcp6 \\[::1\\], [^,]*node\\)?, pid ${v6.pid}, `),
  );
  await expect(v6Row).toContainText('loopback');
  // Probed at the exact bound address ::1 (never by resolving localhost).
  await expect(v6Row).toContainText('HTTP 200', { timeout: POLL_MS * 3 });
});
