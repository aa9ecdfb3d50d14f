import { readdirSync, readFileSync } from 'node:fs';
import {
  freePort,
  startDockerHarness,
  type DockerHarness,
} from '../app/containers/test-support/docker-harness.js';
import { expect, test } from './support/fixtures.js';

// Issue 10 through the real window: `harbormaster serve` reading a private dockerd (its own data
// root, socket and bridge; never the user's Docker), a real container publishing a real port.

let h: DockerHarness | null = null;
let reason = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const s = await startDockerHarness({ userlandProxy: true });
  if (s.ok) {
    h = s.harness;
    // The serve fixture inherits the environment: it reads this daemon.
    process.env['DOCKER_HOST'] = `unix://${h.socketPath}`;
  } else {
    reason = s.reason;
    console.warn(`SKIPPED e2e container spec: ${reason}`);
  }
});

test.afterAll(async () => {
  delete process.env['DOCKER_HOST'];
  await h?.stop();
});

/** The docker-proxy process that holds a host port, from /proc (null when none). */
function proxyPidFor(port: number): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('docker-proxy') && argv[argv.indexOf('-host-port') + 1] === String(port))
        return Number(d);
    } catch {
      // gone
    }
  }
  return null;
}

test('a published port shows its container and image under its compose project, and Stop container stops the container, not docker-proxy or dockerd', async ({
  app,
  page,
}) => {
  test.skip(h === null, `dockerd cannot start here: ${reason}`);
  if (!h) return;
  test.setTimeout(120_000);
  const port = await freePort();
  const name = 'hmtest-containers-e2e';
  const id = await h.run({
    name,
    cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
    ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    labels: { 'com.docker.compose.project': 'hme2e', 'com.docker.compose.service': 'web' },
  });
  try {
    const proxyPid = proxyPidFor(port);
    expect(proxyPid).not.toBeNull();
    const row = await app.showPort(port, { timeout: 30_000 });
    await expect(row).toContainText(`docker-proxy → ${name}`, { timeout: 30_000 });
    // The image follows the name (truncated to fit; the details pane has it whole).
    await expect(row).toContainText('hmtest-containers-img');
    // Grouped view: the container's ports sit under its compose project.
    const group = page.getByRole('button', { name: 'Group', exact: true });
    await group.click();
    await expect(group).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('.group-header', { hasText: 'hme2e' })).toContainText('compose project');
    await group.click();

    await row.click();
    await app.actions(port).getByRole('button', { name: 'Stop container…' }).click();
    const dialog = page.getByRole('dialog', { name: `Stop container ${name} on port ${port}?` });
    await expect(dialog).toContainText(h.image);
    await expect(dialog).toContainText('compose hme2e/web');
    await dialog.getByRole('button', { name: `Stop container ${name}` }).click();
    await expect(page.getByRole('dialog')).toContainText(new RegExp(`Port ${port} freed`), {
      timeout: 45_000,
    });

    const state = JSON.parse((await h.api('GET', `/containers/${id}/json`)).body) as {
      State: { Running: boolean; ExitCode: number };
    };
    expect(state.State.Running).toBe(false);
    // Docker stopped its own proxy; the daemon is alive and answering.
    expect(proxyPidFor(port)).toBeNull();
    expect((await h.api('GET', '/_ping')).status).toBe(200);
    expect(() => process.kill(h?.daemonPid ?? 0, 0)).not.toThrow();
  } finally {
    await h.api('DELETE', `/containers/${id}?force=1`);
  }
});
