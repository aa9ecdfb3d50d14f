import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSelfSignedCert } from '../app/health/test-support/servers.js';
import { runCli, SERVERS, startNode, stopAll, type ServerProc } from '../app/why/test-support/run-cli.js';
import { expect, POLL_MS, test as base, type AppPage } from './support/fixtures.js';
import { quietFreePort, startServe } from './support/processes.js';

// Issue 13 in the window: each finding that is cheap to make on loopback, through the real
// `harbormaster serve` (real scans, real probes) and real servers in child processes. The
// namespace, firewall, accept-queue and other-user cases stay in app/why/why-netns.test.ts and
// why-cli.test.ts (CLI only: they need root-made namespaces and nft rules).

// serve remembers what it scans: a temp history, never the user's real one.
let dataDir = '';
const test = base.extend({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take a destructured first argument.
  serve: async ({}, use) => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'h-why-e2e-'));
    const serve = await startServe({ env: { HARBORMASTER_DATA_DIR: dataDir } });
    await use(serve);
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

const servers: ServerProc[] = [];
test.afterEach(async () => {
  await stopAll(servers);
});

async function serveKind(kind: keyof typeof SERVERS, host: string, env: Record<string, string> = {}) {
  // The runner sets FORCE_COLOR: console.log would colour the port number the child prints.
  const s = await startNode(SERVERS[kind], { HOST: host, FORCE_COLOR: '0', ...env });
  servers.push(s);
  return s;
}

/** Pastes a target into the filter and returns the diagnosis region once its verdict is shown. */
async function ask(app: AppPage, target: string) {
  await app.filter(target);
  const region = app.page.getByRole('region', { name: "Why can't I connect?" });
  const lost = app.page.getByRole('status').filter({ hasText: /Could not diagnose .*connection/ });
  // Other helpers' tests hold thousands of sockets here at times: serve then drops a tab that reads
  // its big snapshots too slowly, and a call in flight ends "connection lost". Asking again is
  // what a user would do (the button is there for it).
  for (let i = 0; i < 3; i += 1) {
    await expect(region.or(lost)).toBeVisible({ timeout: 20_000 });
    if (await region.isVisible()) break;
    await app.page
      .getByRole('button', { name: /^Why can't I connect to / })
      .first()
      .click();
  }
  await expect(region).toBeVisible();
  return region;
}

const finding = (region: ReturnType<AppPage['page']['getByRole']>, id: string) =>
  region.locator(`[data-finding="${id}"]`);

test('nothing listening: the verdict first, the finding with measured/meaning/fix, then "free" and Why?', async ({
  app,
  page,
}) => {
  const port = await quietFreePort();
  const region = await ask(app, `127.0.0.1:${port}`);
  await expect(region.getByRole('status')).toHaveText(/^Not reachable: 127\.0\.0\.1:\d+ — /);
  const f = finding(region, 'nothing-listening');
  await expect(f).toContainText('Measured:');
  await expect(f).toContainText('Meaning:');
  await expect(f).toContainText('Fix:');
  await expect(page.getByRole('status').filter({ hasText: `Port ${port} is free.` })).toBeVisible();
  await expect(page.getByRole('button', { name: `Why can't I connect to 127.0.0.1:${port}?` })).toBeVisible();
});

test('family mismatch: a server on ::1 only, asked at 127.0.0.1 (its row listed beside)', async ({ app }) => {
  const s = await serveKind('tcp', '::1');
  await expect(app.row(s.port)).toHaveCount(1, { timeout: POLL_MS * 15 });
  const region = await ask(app, `127.0.0.1:${s.port}`);
  await expect(finding(region, 'family-mismatch')).toContainText(`Connect to [::1]:${s.port} instead`);
});

test('wrong address: a server on 127.0.0.2 only, asked at localhost', async ({ app }) => {
  const s = await serveKind('http', '127.0.0.2');
  const region = await ask(app, `localhost:${s.port}`);
  await expect(finding(region, 'wrong-address')).toContainText(`127.0.0.2:${s.port}`);
});

test('wrong protocol: only UDP listens on the port', async ({ app }) => {
  const s = await serveKind('udp', '127.0.0.1');
  const region = await ask(app, `localhost:${s.port}`);
  await expect(finding(region, 'wrong-protocol')).toContainText(`pid ${s.pid}`);
});

test('stopped holder: a SIGSTOPped server is named with kill -CONT PID', async ({ app }) => {
  const s = await serveKind('http', '127.0.0.1');
  process.kill(s.pid, 'SIGSTOP');
  const region = await ask(app, `127.0.0.1:${s.port}`);
  await expect(finding(region, 'stopped-holder')).toContainText(`kill -CONT ${s.pid}`);
});

test('scheme mismatch: a TLS server asked with http://', async ({ app }) => {
  const { key, cert } = await makeSelfSignedCert();
  const s = await serveKind('https', '127.0.0.1', { KEY: key, CERT: cert });
  const region = await ask(app, `http://127.0.0.1:${s.port}/`);
  await expect(finding(region, 'scheme-mismatch')).toContainText(`https://127.0.0.1:${s.port}/`);
});

test('HTTP 404 is reachable with its status and title; 500 is reported as an error status', async ({
  app,
}) => {
  const s = await serveKind('http', '127.0.0.1');
  const missing = await ask(app, `http://127.0.0.1:${s.port}/missing`);
  await expect(missing.getByRole('status')).toHaveText(/^Reachable: .*HTTP 404 "Not Found"/);
  const boom = await ask(app, `http://127.0.0.1:${s.port}/boom`);
  await expect(finding(boom, 'http-error-status')).toContainText('HTTP 500 "Server Error"');
});

test('history: a server that exited and restarted on another port; the details pane shows the port’s history', async ({
  app,
  page,
}) => {
  const first = await serveKind('http', '127.0.0.1');
  // Every face records into the one history: a CLI run sees the first server (serve's own scans
  // would too, but under load its pushes to the tab can lag; the record is what matters here).
  const seen = await runCli(['why', String(first.port)], { env: { HARBORMASTER_DATA_DIR: dataDir } });
  expect(seen.code, seen.stdout + seen.stderr).toBe(0);
  await stopAll(servers);
  const again = await serveKind('http', '127.0.0.1');
  const region = await ask(app, `localhost:${first.port}`);
  await expect(region.getByRole('status')).toContainText(`now listens on port ${again.port}`);
  await expect(finding(region, 'history')).toContainText(`pid ${first.pid}`);
  await app.screenshot('why-history');
  await app.filter(`:${again.port}`);
  await app.row(again.port).first().click();
  // At this width the details pane is beside the list; narrower, it opens with "Details".
  const toggle = page.getByRole('button', { name: 'Details' });
  if (await toggle.isVisible()) await toggle.click();
  const list = page.getByRole('list', { name: `Port ${again.port} history` });
  await expect(list).toContainText(`opened tcp 127.0.0.1:${again.port} node (pid ${again.pid}`);
});

test('invalid port 619009: the valid range, no diagnosis asked', async ({ app, page }) => {
  await app.filter('localhost:619009');
  await expect(page.getByRole('status').filter({ hasText: '1–65535' })).toBeVisible();
  await expect(page.getByRole('region', { name: "Why can't I connect?" })).toHaveCount(0);
});

test('the #why= route (a watched port went down) opens the diagnosis for that port', async ({
  app,
  page,
  serve,
}) => {
  const port = await quietFreePort();
  await page.goto(`${serve.url}&why=${port}`);
  await expect(page.getByRole('searchbox', { name: 'Filter listeners' })).toHaveValue(String(port));
  const region = page.getByRole('region', { name: "Why can't I connect?" });
  await expect(region.getByRole('status')).toHaveText(new RegExp(`^Not reachable: ${port} — `));
  void app;
});
