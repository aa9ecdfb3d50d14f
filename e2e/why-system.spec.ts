import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import {
  SERVERS,
  startNoAcceptServer,
  startNode,
  stopAll,
  type ServerProc,
} from '../app/why/test-support/run-cli.js';
import { expect, test as base, type AppPage } from './support/fixtures.js';
import { startServe } from './support/processes.js';

// Issue 13 in the window, for the findings that need more than a loopback server: a full accept
// queue, a firewall rule, a holder owned by another user, and one in another PID namespace —
// each through the real `harbormaster serve` and the real findings engine, as a user meets them.
// The CLI side of each is in app/why/why-cli.test.ts and app/why/why-netns.test.ts.

const isRoot = process.getuid?.() === 0;
const NFT = '/usr/sbin/nft';
const tools = {
  nft: isRoot && existsSync(NFT),
  setpriv: isRoot && existsSync('/usr/bin/setpriv'),
  unshare: isRoot && existsSync('/usr/bin/unshare'),
  perl: existsSync('/usr/bin/perl'),
};

const servers: ServerProc[] = [];
base.afterEach(async () => {
  await stopAll(servers);
});

async function holder(kind: keyof typeof SERVERS, host: string): Promise<ServerProc> {
  // The runner sets FORCE_COLOR: console.log would colour the port number the child prints.
  const s = await startNode(SERVERS[kind], { HOST: host, FORCE_COLOR: '0' });
  servers.push(s);
  return s;
}

/**
 * Pastes a target into the filter and returns the diagnosis once its verdict matches `verdict`.
 * Under heavy load serve may drop a slow tab's call ("connection lost"): the test then asks again
 * with the "Why?" button, as a user would.
 */
async function ask(app: AppPage, target: string, verdict: RegExp) {
  await app.filter(target);
  const region = app.page.getByRole('region', { name: "Why can't I connect?" });
  const answered = region.getByRole('status').filter({ hasText: verdict });
  const lost = app.page.getByRole('status').filter({ hasText: /Could not diagnose .*connection/ });
  for (let i = 0; i < 3; i += 1) {
    await expect(answered.or(lost).first()).toBeVisible({ timeout: 30_000 });
    if (await answered.isVisible()) return region;
    await app.page
      .getByRole('button', { name: /^Why can't I connect to / })
      .first()
      .click();
    await expect(lost)
      .toHaveCount(0, { timeout: 10_000 })
      .catch(() => undefined);
  }
  await expect(answered).toBeVisible({ timeout: 30_000 });
  return region;
}

const finding = (region: Awaited<ReturnType<typeof ask>>, id: string) =>
  region.locator(`[data-finding="${id}"]`);

base(
  'full accept queue: a listen(1) server that never accepts, its queue filled by real connections',
  async ({ app }) => {
    base.skip(!tools.perl, 'needs perl (perl-base)');
    // A socket with backlog 1 that never calls accept().
    // Killed by pid in afterEach (stopAll).
    const srv = await startNoAcceptServer();
    servers.push(srv);
    const { port } = srv;
    const clients: Socket[] = Array.from({ length: 4 }, () =>
      connect(port, '127.0.0.1').on('error', () => undefined),
    );
    try {
      const region = await ask(app, `127.0.0.1:${port}`, /^Not reachable: .*The accept queue is full/);
      const f = finding(region, 'accept-queue-full');
      await expect(f).toContainText(`perl (pid ${srv.pid}`);
      await expect(f).toContainText(/connections waiting, backlog 1/);
    } finally {
      for (const c of clients) c.destroy();
    }
  },
);

base('firewall: an nft rule dropping the port is named by table, chain and rule', async ({ app }) => {
  base.skip(!tools.nft, 'needs root and nft (nftables)');
  const s = await holder('http', '127.0.0.1');
  // A table of this test's own, dropping only this server's port on this machine; deleted after.
  const table = `hw_fw_${process.pid}`;
  const add = spawnSync(NFT, ['-f', '-'], {
    input: `table inet ${table} {\nchain input {\ntype filter hook input priority 0; policy accept;\ntcp dport ${s.port} drop\n}\n}\n`,
  });
  expect(add.status, String(add.stderr)).toBe(0);
  try {
    const region = await ask(
      app,
      `127.0.0.1:${s.port}`,
      new RegExp(`^Not reachable: .*A firewall rule drops it: table inet ${table}, chain input`),
    );
    await expect(finding(region, 'firewall')).toContainText(
      new RegExp(`nft: table inet ${table} chain input handle \\d+: tcp dport ${s.port} drop`),
    );
  } finally {
    spawnSync(NFT, ['delete', 'table', 'inet', table]);
  }
});

// serve as nobody: a holder of root's is another user's, its process hidden.
const asNobody = base.extend({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take a destructured first argument.
  serve: async ({}, use) => {
    const serve = await startServe({ as: { uid: 65534, gid: 65534 } });
    await use(serve);
    await serve.stop();
  },
});

asNobody('another user’s holder: held (details hidden, needs admin), never "free"', async ({ app, page }) => {
  asNobody.skip(!tools.setpriv, 'needs root and setpriv (util-linux)');
  const s = await holder('tcp', '::1');
  const region = await ask(app, `127.0.0.1:${s.port}`, /^Not reachable: /);
  const f = finding(region, 'other-owner');
  await expect(f).toContainText(
    `Port ${s.port} is held by a process of root whose details are hidden (needs admin) — not free`,
  );
  await expect(f).toContainText(`sudo harbormaster who ${s.port}`);
  await expect(finding(region, 'nothing-listening')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `Port ${s.port} is free.` })).toHaveCount(0);
});

// serve in a PID namespace of its own (as inside a container sharing the host network): it sees
// the socket, not the process.
const inPidNamespace = base.extend({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take a destructured first argument.
  serve: async ({}, use) => {
    const serve = await startServe({
      prefix: ['/usr/bin/unshare', '--pid', '--fork', '--kill-child', '--mount-proc'],
    });
    await use(serve);
    await serve.stop();
  },
});

inPidNamespace('a holder in another PID namespace: held, never "free"', async ({ app, page }) => {
  inPidNamespace.skip(!tools.unshare, 'needs root and unshare (util-linux)');
  const s = await holder('tcp', '::1');
  const region = await ask(app, `127.0.0.1:${s.port}`, /^Not reachable: /);
  await expect(finding(region, 'other-owner')).toContainText(
    `Port ${s.port} is held by a process in another namespace or container — not free`,
  );
  await expect(finding(region, 'nothing-listening')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `Port ${s.port} is free.` })).toHaveCount(0);
});

/**
 * The window's row, details pane and group header for a holder serve cannot read, and the whole
 * page's text (tooltips included): issue 16's root pass, every surface worded for who runs serve.
 */
async function hiddenHolderSurfaces(app: AppPage, port: number) {
  await app.showEveryone();
  const row = await app.showPort(port, { timeout: 30_000 });
  const rowName = await row.evaluate((e) => (e as unknown as { textContent: string }).textContent);
  await row.click();
  const details = app.page.getByRole('region', { name: `Details for port ${port}` });
  await expect(details).toBeVisible();
  const group = app.page.getByRole('button', { name: 'Group' });
  await group.click();
  await expect(group).toHaveAttribute('aria-pressed', 'true');
  const html = await app.page.content();
  await group.click();
  return { rowName, details, html };
}

asNobody(
  'a normal user is told admin rights would show the holder (row, details, group header)',
  async ({ app, page }) => {
    asNobody.skip(!tools.setpriv, 'needs root and setpriv (util-linux)');
    await page.setViewportSize({ width: 1280, height: 800 });
    const s = await holder('tcp', '::1');
    const seen = await hiddenHolderSurfaces(app, s.port);
    expect(seen.rowName).toContain('owner unknown (needs admin)');
    await expect(seen.details).toContainText('owner unknown (needs admin)');
    expect(seen.html).not.toContain('even as root');
  },
);

inPidNamespace(
  'root is never told to get admin: the hidden holder is named by its real reason',
  async ({ app, page }) => {
    inPidNamespace.skip(!tools.unshare, 'needs root and unshare (util-linux)');
    await page.setViewportSize({ width: 1280, height: 800 });
    const s = await holder('tcp', '::1');
    const seen = await hiddenHolderSurfaces(app, s.port);
    expect(seen.rowName).toContain('owner not visible (other namespace)');
    await expect(seen.details).toContainText('owner not visible (other namespace)');
    expect(seen.html).not.toMatch(/needs admin|Needs admin|admin rights/);
  },
);
