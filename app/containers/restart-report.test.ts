import { afterAll, describe, expect, it } from 'vitest';
import { createEngineClient } from './engine-client.js';
import { holdersOn, running, serviceFor, until } from './test-support/container-suite.js';
import { freePort, startDockerHarness } from './test-support/docker-harness.js';

// What Docker does after Harbormaster's Stop, measured on the real daemon (issue 10: "if the
// restart policy or compose brings it back, report restarted").
const setup = await startDockerHarness({ userlandProxy: true });
if (!setup.ok) console.warn(`SKIPPED container restart-report tests: ${setup.reason}`);
const h = setup.ok ? setup.harness : null;
afterAll(async () => h?.stop(), 60_000);

const httpd = ['httpd', '-f', '-p', '80', '-h', '/'];

describe.skipIf(!h)('the report after Stop tells what the daemon did (real dockerd)', () => {
  it('restart policy always: Docker does not undo a user stop, so the port is reported free and why', async () => {
    if (!h) return;
    const port = await freePort();
    const name = 'hmtest-containers-policy-always';
    const id = await h.run({
      name,
      cmd: httpd,
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
      restart: 'always',
    });
    const service = await serviceFor(h);
    try {
      await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      const r = await service.containerAction({ container: name, action: 'stop' });
      expect(r).toMatchObject({
        ok: true,
        value: {
          outcome: 'freed',
          message: `container ${name} (image ${h.image}) stopped; tcp 127.0.0.1:${port} is free. Its restart policy (always) will not start it again until the Docker daemon restarts.`,
        },
      });
      // Still down well after Docker's first restart delay: the report was the truth.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await running(h, id)).toBe(false);
      expect(await holdersOn(service, port)).toEqual([]);
    } finally {
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });

  it('a supervisor that starts it again on the stop event: reported "restarted", port held again', async () => {
    if (!h) return;
    const port = await freePort();
    const name = 'hmtest-containers-supervised';
    const id = await h.run({
      name,
      cmd: httpd,
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
      restart: 'always',
      labels: { 'com.docker.compose.project': 'hmshop', 'com.docker.compose.service': 'web' },
    });
    // The stand-in for compose / systemd: `docker start` as soon as the daemon says it stopped.
    const supervisor = createEngineClient(h.socketPath).watchEvents(
      (e) => {
        if (e.Action === 'stop' && e.Actor?.ID === id) void h.api('POST', `/containers/${id}/start`);
      },
      () => undefined,
    );
    const service = await serviceFor(h);
    try {
      await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      const r = await service.containerAction({ container: id.slice(0, 12), action: 'stop' });
      expect(r).toMatchObject({
        ok: true,
        value: {
          outcome: 'restarted',
          message: `container ${name} (image ${h.image}) stopped, but was started again by compose project hmshop or a supervisor (not Docker's restart policy: Docker does not restart a container it was asked to stop); tcp 127.0.0.1:${port} is held again.`,
        },
      });
      expect(await running(h, id)).toBe(true);
    } finally {
      supervisor();
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });
});
