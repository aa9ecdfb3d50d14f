import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { waitForLine } from '../app/remote/test-support/remote-fixture-host.js';
import {
  createSshdFixture,
  sshdUnavailable,
  type SshdFixture,
} from '../app/remote/test-support/sshd-fixture.js';
import { seriousViolations } from './support/axe.js';
import { killAllStarted, startServe, type ServeProcess } from './support/processes.js';

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
});
