import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { holderServer, waitForLine } from '../app/remote/test-support/remote-fixture-host.js';
import { isAlive } from '../app/testing/wait.js';
import {
  createSshdFixture,
  pidsWithArgument,
  sshdUnavailable,
  type SshdFixture,
} from '../app/remote/test-support/sshd-fixture.js';
import { seriousViolations } from './support/axe.js';
import { eventually, killAllStarted, ROOT, startServe, type ServeProcess } from './support/processes.js';

// The Hosts section through the real `serve` against a real sshd in a network namespace made for
// this spec (names prefixed hr2-): a config host is collapsed until opened, then lists the remote
// listeners; Open makes a loopback forward and the page opens the local URL; forwards close; a
// host whose key is unknown says so with the fingerprint and the command to verify it.
const why = sshdUnavailable();
if (why) console.log(`hosts.spec: SKIPPED, ${why}`);

// An HTTP server bound to the remote's 127.0.0.1 only: the forward is the one way in.
const SERVER = `
const s = require('node:http').createServer((q, r) => r.end('<p id="body">hello from hr2 ' + process.pid + '</p>'));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

test.describe('Hosts in the window (real sshd, real forward)', () => {
  test.skip(why !== null, why ?? '');
  test.describe.configure({ timeout: 120_000 });
  let fx: SshdFixture;
  let serve: ServeProcess;
  let remote: ChildProcess;
  let remotePort: number;
  let runtime: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    fx = await createSshdFixture('hr2');
    remote = fx.spawnInNs(['node', '-e', SERVER]);
    remotePort = Number((await waitForLine(remote, /PORT \d+/)).slice(5));
    runtime = mkdtempSync(path.join(tmpdir(), 'hr2-run-'));
    serve = await startServe({
      env: {
        HOME: fx.home,
        HARBORMASTER_SSH_CONFIG: fx.configFile,
        XDG_RUNTIME_DIR: runtime,
        HARBORMASTER_HISTORY: 'off',
      },
    });
  });
  test.afterAll(async () => {
    await serve?.stop();
    if (remote?.pid) remote.kill('SIGKILL');
    await killAllStarted();
    fx?.destroy();
    if (runtime) rmSync(runtime, { recursive: true, force: true });
  });

  test('a config host opens to its listeners; Open forwards the port and opens the local URL; close frees it', async ({
    page,
  }) => {
    await page.goto(serve.url);
    const hosts = page.getByRole('region', { name: 'Hosts' });
    await hosts.getByRole('button', { name: /^Hosts · \d+/ }).click();
    const head = hosts.getByRole('button', { name: /^hr-target/ });
    await expect(head).toHaveAttribute('aria-expanded', 'false');
    await head.click();
    await expect(head).toContainText('Connected', { timeout: 60_000 });
    const list = page.getByRole('listbox', { name: 'Listeners on hr-target' });
    const row = list.locator(`[role="option"][data-port="${remotePort}"]`);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('node');
    await row.click();
    const open = page
      .getByRole('toolbar', { name: `Actions for remote port ${remotePort}` })
      .getByRole('button', {
        name: 'Open',
      });
    const [tab] = await Promise.all([page.context().waitForEvent('page', { timeout: 60_000 }), open.click()]);
    await tab.waitForLoadState();
    const local = Number(new URL(tab.url()).port);
    expect(tab.url()).toBe(`http://127.0.0.1:${local}/`);
    await expect(tab.locator('#body')).toContainText('hello from hr2');
    await tab.close();
    // The serve machine's opener was never run: the page opened the tab.
    expect(serve.openedUrls()).toEqual([]);

    const forwards = page.getByRole('region', { name: 'Forwards' });
    await expect(forwards).toContainText(`hr-target: remote ${remotePort} → local ${local}`);
    await forwards.getByRole('button', { name: /^Close forward hr-target/ }).click();
    await expect(forwards).toHaveCount(0);
    expect(await refused(local)).toBe(true);
  });

  test('Kill… on a remote row confirms like a local kill, kills the remote process, and signals nothing when the holder changed after confirming', async ({
    page,
  }) => {
    const holder = async (port = 0) => {
      const child = fx.spawnInNs(['node', '-e', holderServer(port)]);
      return { child, port: Number((await waitForLine(child, /PORT \d+/)).slice(5)) };
    };
    const victim = await holder();
    const first = await holder();
    let second: Awaited<ReturnType<typeof holder>> | null = null;
    try {
      await page.goto(serve.url);
      const hosts = page.getByRole('region', { name: 'Hosts' });
      await hosts.getByRole('button', { name: /^Hosts · \d+/ }).click();
      const head = hosts.getByRole('button', { name: /^hr-target/ });
      await head.click();
      await expect(head).toContainText('Connected', { timeout: 60_000 });
      const list = page.getByRole('listbox', { name: 'Listeners on hr-target' });
      const askKill = async (port: number) => {
        await list.locator(`[role="option"][data-port="${port}"]`).click({ timeout: 30_000 });
        await page
          .getByRole('toolbar', { name: `Actions for remote port ${port}` })
          .getByRole('button', { name: 'Kill…' })
          .click();
        const dialog = page.getByRole('dialog', { name: `Kill node on hr-target, port ${port}?` });
        await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
        await expect(dialog).toContainText('Working dir');
        await expect(dialog.getByRole('list', { name: 'Ports this frees' })).toContainText(
          `127.0.0.1:${port}`,
        );
        await expect(dialog.locator('code.command')).toContainText('node -e');
        return dialog;
      };

      // Confirmed and still the same process: SIGTERM on the remote, the port verified free.
      let dialog = await askKill(victim.port);
      await expect(dialog).toContainText(String(victim.child.pid));
      await dialog.getByRole('button', { name: 'Kill node' }).click();
      await expect(page.getByRole('dialog', { name: `Port ${victim.port} on hr-target freed` })).toBeVisible({
        timeout: 30_000,
      });
      if (victim.child.exitCode === null && victim.child.signalCode === null)
        await new Promise((res) => victim.child.once('exit', res));
      expect(victim.child.signalCode).toBe('SIGTERM');
      await page.getByRole('button', { name: 'Close' }).click();

      // Confirmation open, then the holder changes: the confirmed process lets go of the port and
      // another process takes it. The remote re-check refuses; both processes live on.
      dialog = await askKill(first.port);
      first.child.stdin?.write('close\n');
      await waitForLine(first.child, /CLOSED/);
      second = await holder(first.port);
      await dialog.getByRole('button', { name: 'Kill node' }).click();
      const refusedKill = page.getByRole('dialog', { name: 'node on hr-target: not signalled' });
      await expect(refusedKill).toContainText(`no longer holds port ${first.port}`, { timeout: 30_000 });
      expect(isAlive(first.child.pid!)).toBe(true);
      expect(isAlive(second.child.pid!)).toBe(true);
    } finally {
      for (const c of [victim.child, first.child, second?.child]) c?.kill('SIGKILL');
    }
  });

  test('a host with an unknown key is stopped with its fingerprint and the exact ssh command', async ({
    page,
  }) => {
    await page.goto(serve.url);
    const hosts = page.getByRole('region', { name: 'Hosts' });
    await hosts.getByRole('button', { name: /^Hosts · \d+/ }).click();
    await hosts.getByRole('button', { name: /^hr-stranger/ }).click();
    const alert = hosts.getByRole('alert');
    await expect(alert).toContainText('not known', { timeout: 60_000 });
    await expect(alert.locator('.fingerprint')).toContainText(/SHA256:/);
    await expect(alert.locator('.host-command')).toHaveText('ssh hr-stranger');
    await expect(page.getByRole('listbox', { name: 'Listeners on hr-stranger' })).toHaveCount(0);
  });

  test('"Trust this host…": both fingerprints, focus on Cancel, axe clean; Cancel changes nothing, Trust connects', async ({
    page,
  }) => {
    const known = () => readFileSync(fx.knownHosts, 'utf8');
    const before = known();
    await page.goto(serve.url);
    const hosts = page.getByRole('region', { name: 'Hosts' });
    await hosts.getByRole('button', { name: /^Hosts · \d+/ }).click();
    const head = hosts.getByRole('button', { name: /^hr-stranger/ });
    await head.click();
    const reported =
      (await hosts.getByRole('alert').locator('.fingerprint').textContent({ timeout: 60_000 })) ?? '';
    const fp = /SHA256:\S+/.exec(reported)?.[0] ?? 'missing';
    const trustButton = hosts.getByRole('button', { name: 'Trust this host…' });

    await trustButton.click();
    const dialog = page.getByRole('dialog', { name: 'Trust the host key of hr-stranger?' });
    await expect(dialog.getByText('ssh shows')).toBeVisible({ timeout: 30_000 });
    await expect(dialog.locator('.fingerprint')).toHaveText([fp, fp]);
    // The host ssh's own question names (its HostKeyAlias here), next to the fingerprints.
    await expect(dialog.getByText(`hr-never-seen (${fx.targetIp})`, { exact: true })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Enter'); // Enter on the focused Cancel: answered no
    await expect(dialog).toHaveCount(0);
    await expect.poll(known).toBe(before);

    await trustButton.click();
    await dialog.getByRole('button', { name: 'Trust and connect' }).click({ timeout: 30_000 });
    await expect(dialog.getByRole('alert')).toContainText('was added to your known_hosts', {
      timeout: 30_000,
    });
    const added = known().slice(before.length).split('\n').filter(Boolean);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^hr-never-seen ssh-ed25519 /);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(head).toContainText('Connected', { timeout: 60_000 });
    await expect(page.getByRole('listbox', { name: 'Listeners on hr-stranger' })).toContainText('sshd');
  });

  test('a host added in the window connects; a hostile one is refused with the reason; Remove takes it away', async ({
    page,
  }) => {
    await page.goto(serve.url);
    const hosts = page.getByRole('region', { name: 'Hosts' });
    await hosts.getByRole('button', { name: /^Hosts · \d+/ }).click();
    const box = hosts.getByRole('textbox', { name: 'Add a host (ssh alias or user@host)' });
    await box.fill('-oProxyCommand=touch /tmp/hr2-pwned');
    await hosts.getByRole('button', { name: 'Add host' }).click();
    await expect(hosts.getByRole('alert')).toContainText('cannot start with "-"');
    const added = `root@${fx.targetIp}`;
    await box.fill(added);
    await hosts.getByRole('button', { name: 'Add host' }).click();
    const head = hosts.getByRole('button', { name: new RegExp(`^${added.replace(/\./g, '\\.')}`) });
    await head.click();
    await expect(head).toContainText('Connected', { timeout: 60_000 });
    await expect(page.getByRole('listbox', { name: `Listeners on ${added}` })).toContainText('sshd');
    await hosts.getByRole('button', { name: `Remove host ${added}` }).click();
    await expect(head).toHaveCount(0);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`axe (${scheme}): an opened host section with rows, its forwards list and the remote kill dialog have no serious or critical violations`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: scheme });
      // A row that just vanished from the local list (seen: the ssh master's forward socket on
      // 127.0.0.1) lingers greyed out for 1.5 s (TRANSIENT_MS) at 3.9:1 in dark, which axe flags;
      // that ghost is the local list's, not this section's: wait it out before each check.
      const axeNow = async () => {
        await expect(page.locator('.row.is-gone')).toHaveCount(0);
        return seriousViolations(page);
      };
      await page.goto(serve.url);
      const hosts = page.getByRole('region', { name: 'Hosts' });
      await hosts.getByRole('button', { name: /^Hosts · \d+/ }).click();
      const head = hosts.getByRole('button', { name: /^hr-target/ });
      await head.click();
      await expect(head).toContainText('Connected', { timeout: 60_000 });
      const list = page.getByRole('listbox', { name: 'Listeners on hr-target' });
      const row = list.locator(`[role="option"][data-port="${remotePort}"]`);
      await expect(row).toContainText('node');
      await row.click();
      expect(await axeNow(), 'opened host section with rows').toEqual([]);

      const toolbar = page.getByRole('toolbar', { name: `Actions for remote port ${remotePort}` });
      const [tab] = await Promise.all([
        page.context().waitForEvent('page', { timeout: 60_000 }),
        toolbar.getByRole('button', { name: 'Open' }).click(),
      ]);
      await tab.close();
      const forwards = page.getByRole('region', { name: 'Forwards' });
      await expect(forwards).toContainText(`hr-target: remote ${remotePort} → local`);
      expect(await axeNow(), 'forwards list').toEqual([]);

      await toolbar.getByRole('button', { name: 'Kill…' }).click();
      const dialog = page.getByRole('dialog', { name: `Kill node on hr-target, port ${remotePort}?` });
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
      expect(await axeNow(), 'remote kill dialog').toEqual([]);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toHaveCount(0);
      // Cancel signalled nothing; the forward is closed again for the next test.
      expect(isAlive(remote.pid!)).toBe(true);
      await forwards.getByRole('button', { name: /^Close forward hr-target/ }).click();
      await expect(forwards).toHaveCount(0);
    });
  }

  // Last: it stops the shared serve.
  test('quitting serve closes every forward, also one the CLI made for a host serve never opened, and ends its masters', async ({
    page,
  }) => {
    const env = {
      ...process.env,
      HOME: fx.home,
      HARBORMASTER_SSH_CONFIG: fx.configFile,
      XDG_RUNTIME_DIR: runtime,
      HARBORMASTER_HISTORY: 'off',
    };
    const cli = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'harbormaster.js'), 'forward', '--json', 'hr-jumped', String(remotePort)],
      { env, encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const local = (JSON.parse(cli.stdout) as { localPort: number }).localPort;
    expect(await refused(local)).toBe(false);
    await page.goto(serve.url);
    await expect(page.getByRole('region', { name: 'Forwards' })).toContainText(
      `hr-jumped: remote ${remotePort} → local ${local}`,
    );
    expect(await serve.stop()).toBe(0);
    expect(await refused(local)).toBe(true);
    // No ssh of ours is left for this fixture's config: the forward's master was ended too.
    expect(await eventually(() => pidsWithArgument(fx.configFile).length === 0)).toBe(true);
  });
});
