import { afterAll, describe, expect, it } from 'vitest';
import { killListenerOwner } from '../actions/kill.js';
import { NAT_ONLY_NOTE } from '../model/container.js';
import type { ProcessOwner } from '../model/listener.js';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { runContainerAction } from './actions.js';
import { createContainerCatalog } from './catalog.js';
import {
  alive,
  freshSnapshot,
  holdersOn,
  running,
  serviceFor,
  until,
} from './test-support/container-suite.js';
import { freePort, startDockerHarness } from './test-support/docker-harness.js';

// A private dockerd with the default userland proxy: docker-proxy holds each published port.
const setup = await startDockerHarness({ userlandProxy: true });
if (!setup.ok) console.warn(`SKIPPED docker-proxy container tests: ${setup.reason}`);
const h = setup.ok ? setup.harness : null;
afterAll(async () => h?.stop(), 60_000);

describe.skipIf(!h)('containers behind docker-proxy (real dockerd)', () => {
  it('lists a published port with the container name, image, compose labels, state and restart policy', async () => {
    if (!h) return;
    const port = await freePort();
    const id = await h.run({
      name: 'hmtest-containers-web',
      cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
    });
    const service = await serviceFor(h);
    try {
      const held = await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      const owner = held[0]?.owner as ProcessOwner;
      expect(owner.name).toBe('docker-proxy');
      expect(owner.container).toMatchObject({
        kind: 'docker',
        name: 'hmtest-containers-web',
        id: id.slice(0, 12),
        image: h.image,
      });
      expect(owner.container?.info).toMatchObject({
        state: 'running',
        health: null,
        composeProject: 'shop',
        composeService: 'web',
        restartPolicy: 'no',
      });
      const section = (await freshSnapshot(service)).containers;
      const c = section?.containers.find((x) => x.id === id);
      expect(c?.published).toEqual([
        expect.objectContaining({
          protocol: 'tcp',
          hostIp: '127.0.0.1',
          hostPort: port,
          containerPort: 80,
          listenerIds: [held[0]?.id],
        }),
      ]);
    } finally {
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });

  it('kill on a published port stops the container, frees the port, and never signals docker-proxy or dockerd', async () => {
    if (!h) return;
    const port = await freePort();
    const id = await h.run({
      name: 'hmtest-containers-kill',
      cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    const owners = createLinuxOwnerResolver();
    const service = await serviceFor(h);
    const catalog = createContainerCatalog({ socketPath: h.socketPath, ttlMs: 0 });
    const signalled: number[] = [];
    try {
      const held = await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      const listener = held[0];
      const proxy = listener?.owner as ProcessOwner;
      expect(proxy.name).toBe('docker-proxy');
      const source = { latest: () => null, refresh: () => freshSnapshot(service) };
      const r = await killListenerOwner(
        { listenerId: listener?.id ?? '', pid: proxy.pid, startToken: proxy.startToken, mode: 'graceful' },
        {
          source,
          readIdentity: owners.readIdentity,
          signal: (pid) => void signalled.push(pid),
          stopContainer: (c) => runContainerAction(c, 'stop', { catalog, source, stopTimeoutS: 1 }),
        },
      );
      expect(r).toMatchObject({
        ok: true,
        value: {
          outcome: 'freed',
          signals: [],
          message: `container hmtest-containers-kill (image ${h.image}) stopped; tcp 127.0.0.1:${port} is free.`,
        },
      });
      expect(signalled).toEqual([]);
      expect(await running(h, id)).toBe(false);
      expect(await holdersOn(service, port)).toEqual([]);
      expect(alive(h.daemonPid)).toBe(true);
    } finally {
      catalog.dispose();
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });

  it('refuses a kill aimed at docker-proxy when the container cannot be asked, and signals nothing', async () => {
    if (!h) return;
    const port = await freePort();
    const id = await h.run({
      name: 'hmtest-containers-refuse',
      cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    const service = await serviceFor(h);
    const signalled: number[] = [];
    try {
      const held = await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      const proxy = held[0]?.owner as ProcessOwner;
      const r = await killListenerOwner(
        { listenerId: held[0]?.id ?? '', pid: proxy.pid, startToken: proxy.startToken, mode: 'force' },
        {
          source: { latest: () => null, refresh: () => freshSnapshot(service) },
          readIdentity: createLinuxOwnerResolver().readIdentity,
          signal: (pid) => void signalled.push(pid),
        },
      );
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'PROTECTED',
          message:
            'This port is forwarded by Docker to container hmtest-containers-refuse; stop the container instead.',
        },
      });
      expect(signalled).toEqual([]);
      expect(alive(proxy.pid)).toBe(true);
      expect(await running(h, id)).toBe(true);
    } finally {
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });

  it('flags an app bound to 127.0.0.1 inside a published container, and an unpublished listener', async () => {
    if (!h) return;
    const port = await freePort();
    const id = await h.run({
      name: 'hmtest-containers-inside',
      cmd: ['sh', '-c', '/bin/busybox nc -l -p 9000 & exec /bin/busybox httpd -f -p 127.0.0.1:80 -h /'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    const service = await serviceFor(h);
    try {
      const inside = async () =>
        (await freshSnapshot(service)).containers?.containers.find((c) => c.id === id)?.inside ?? [];
      const seen = await until(inside, (l) => l.length >= 2);
      expect(seen).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            protocol: 'tcp',
            address: '127.0.0.1',
            port: 80,
            published: true,
            loopbackOnly: true,
            note: `published as 127.0.0.1:${port}, but the app inside listens on 127.0.0.1 only, so it is unreachable from the host`,
          }),
          expect.objectContaining({ protocol: 'tcp', port: 9000, published: false, loopbackOnly: false }),
        ]),
      );
    } finally {
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });

  it("lists a published port whose host process is gone as forwarded by Docker's NAT", async () => {
    if (!h) return;
    const port = await freePort();
    const id = await h.run({
      name: 'hmtest-containers-nat',
      cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    const service = await serviceFor(h);
    try {
      const held = await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      // The damage the issue describes: docker-proxy killed by hand, the container still running.
      process.kill((held[0]?.owner as ProcessOwner).pid, 'SIGKILL');
      await until(
        () => holdersOn(service, port),
        (l) => l.length === 0,
      );
      const c = (await freshSnapshot(service)).containers?.containers.find((x) => x.id === id);
      expect(c?.published).toEqual([
        expect.objectContaining({ hostPort: port, listenerIds: [], note: NAT_ONLY_NOTE }),
      ]);
    } finally {
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });

  it('Restart container with restart policy always reports "restarted" and the port is held again', async () => {
    if (!h) return;
    const port = await freePort();
    const id = await h.run({
      name: 'hmtest-containers-always',
      cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
      restart: 'always',
    });
    const service = await serviceFor(h);
    try {
      await until(
        () => holdersOn(service, port),
        (l) => l.length > 0,
      );
      const r = await service.containerAction?.({ container: 'hmtest-containers-always', action: 'restart' });
      expect(r).toMatchObject({
        ok: true,
        value: {
          outcome: 'restarted',
          message: `container hmtest-containers-always (image ${h.image}) restarted; tcp 127.0.0.1:${port} is served again. Restart policy: always.`,
        },
      });
      expect(await running(h, id)).toBe(true);
      expect((await holdersOn(service, port)).length).toBeGreaterThan(0);
    } finally {
      await service.dispose();
      await h.api('DELETE', `/containers/${id}?force=1`);
    }
  });
});
