import { afterAll, describe, expect, it } from 'vitest';
import { isRunning } from '../testing/wait.js';
import type { ProcessOwner } from '../model/listener.js';
import { holdersOn, killFirstHolder, running, withPublished } from './test-support/container-suite.js';
import { startDockerHarness } from './test-support/docker-harness.js';

// A private dockerd run --userland-proxy=false: the daemon itself holds each published port.
const setup = await startDockerHarness({ userlandProxy: false });
if (!setup.ok) console.warn(`SKIPPED dockerd (--userland-proxy=false) container tests: ${setup.reason}`);
const h = setup.ok ? setup.harness : null;
afterAll(async () => h?.stop(), 60_000);

describe.skipIf(!h)('containers whose ports dockerd holds (--userland-proxy=false, real dockerd)', () => {
  it('attributes the dockerd-held port (tcp and udp) to the container', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-nproxy',
        ports: (port) => ({
          '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: String(port) }],
        }),
        labels: { 'com.docker.compose.project': 'infra', 'com.docker.compose.service': 'dns' },
        minHolders: 2,
      },
      async ({ held }) => {
        for (const l of held) {
          const owner = l.owner as ProcessOwner;
          expect(owner.pid).toBe(h.daemonPid);
          expect(owner.name).toBe('dockerd');
          expect(owner.container).toMatchObject({
            name: 'hmtest-containers-nproxy',
            image: h.image,
            info: { composeProject: 'infra', composeService: 'dns' },
          });
        }
        expect(held.map((l) => l.protocol).sort()).toEqual(['tcp', 'udp']);
      },
    );
  });

  it('kill stops the container instead of the daemon: port free, dockerd alive, never signalled', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-nkill',
      },
      async ({ id, port, service, held }) => {
        expect((held[0]?.owner as ProcessOwner).pid).toBe(h.daemonPid);
        const { r, signalled } = await killFirstHolder(service, held, 'force', h);
        expect(r).toMatchObject({
          ok: true,
          value: {
            outcome: 'freed',
            signals: [],
            message: `container hmtest-containers-nkill (image ${h.image}) stopped; tcp 127.0.0.1:${port} is free.`,
          },
        });
        expect(signalled).toEqual([]);
        expect(await running(h, id)).toBe(false);
        expect(await holdersOn(service, port)).toEqual([]);
        expect(isRunning(h.daemonPid)).toBe(true);
        expect((await h.api('GET', '/_ping')).status).toBe(200);
      },
    );
  });

  it("the faces' kill (service.kill, as the window and tray call it) stops the container, not dockerd", async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-nface',
      },
      async ({ id, service, held }) => {
        const owner = held[0]?.owner as ProcessOwner;
        const r = await service.kill({
          listenerId: held[0]?.id ?? '',
          pid: owner.pid,
          startToken: owner.startToken,
          mode: 'force',
        });
        expect(r).toMatchObject({
          ok: true,
          value: { outcome: 'freed', signals: [], container: { name: 'hmtest-containers-nface' } },
        });
        expect(await running(h, id)).toBe(false);
        expect(isRunning(h.daemonPid)).toBe(true);
      },
    );
  });

  it('refuses to signal dockerd when no container stop is wired in, naming what to do instead', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-nrefuse',
      },
      async ({ id, service, held }) => {
        const { r, signalled } = await killFirstHolder(service, held, 'force');
        expect(r).toMatchObject({
          ok: false,
          error: {
            code: 'PROTECTED',
            message:
              'This port is forwarded by Docker to container hmtest-containers-nrefuse; stop the container instead.',
            command: 'docker stop hmtest-containers-nrefuse',
          },
        });
        expect(signalled).toEqual([]);
        expect(await running(h, id)).toBe(true);
        expect(isRunning(h.daemonPid)).toBe(true);
      },
    );
  });
});
