import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning } from '../testing/wait.js';
import { testContext } from '../actions/test-support/cli-context.js';
import { restartContainerCommand, stopContainerCommand } from '../cli/commands/container.js';
import { killCommand } from '../cli/commands/kill.js';
import { listCommand } from '../cli/commands/list.js';
import { whoCommand } from '../cli/commands/who.js';
import { NAT_ONLY_NOTE } from '../model/container.js';
import type { ProcessOwner } from '../model/listener.js';
import {
  freshSnapshot,
  holdersOn,
  killFirstHolder,
  running,
  until,
  withPublished,
} from './test-support/container-suite.js';
import { startDockerHarness } from './test-support/docker-harness.js';

// A private dockerd with the default userland proxy: docker-proxy holds each published port.
const setup = await startDockerHarness({ userlandProxy: true });
if (!setup.ok) console.warn(`SKIPPED docker-proxy container tests: ${setup.reason}`);
const h = setup.ok ? setup.harness : null;
afterAll(async () => h?.stop(), 60_000);

describe.skipIf(!h)('containers behind docker-proxy (real dockerd)', () => {
  it('lists a published port with the container name, image, compose labels, state and restart policy', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-web',
        labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      },
      async ({ id, port, service, held }) => {
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
        const who = testContext({ service: () => service, answers: null });
        expect(await whoCommand.run([String(port)], who.ctx)).toBe(0);
        expect(who.stdout()).toContain(`docker-proxy → container hmtest-containers-web (${h.image})`);
        expect(who.stdout()).toContain(
          `container hmtest-containers-web · ${id.slice(0, 12)} · image ${h.image} · running · compose shop/web · restart no`,
        );
      },
    );
  });

  it('kill on a published port stops the container, frees the port, and never signals docker-proxy or dockerd', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-kill',
      },
      async ({ id, port, service, held }) => {
        expect((held[0]?.owner as ProcessOwner).name).toBe('docker-proxy');
        const { r, signalled } = await killFirstHolder(service, held, 'graceful', h);
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
        expect(isRunning(h.daemonPid)).toBe(true);
      },
    );
  });

  it('refuses a kill aimed at docker-proxy when the container cannot be asked, and signals nothing', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-refuse',
      },
      async ({ id, service, held }) => {
        const { r, owner: proxy, signalled } = await killFirstHolder(service, held, 'force');
        expect(r).toMatchObject({
          ok: false,
          error: {
            code: 'PROTECTED',
            message:
              'This port is forwarded by Docker to container hmtest-containers-refuse; stop the container instead.',
          },
        });
        expect(signalled).toEqual([]);
        expect(isRunning(proxy.pid)).toBe(true);
        expect(await running(h, id)).toBe(true);
      },
    );
  });

  it('flags an app bound to 127.0.0.1 inside a published container, and an unpublished listener', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-inside',
        cmd: ['sh', '-c', '/bin/busybox nc -l -p 9000 & exec /bin/busybox httpd -f -p 127.0.0.1:80 -h /'],
        minHolders: 0,
      },
      async ({ id, port, service }) => {
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
      },
    );
  });

  it("lists a published port whose host process is gone as forwarded by Docker's NAT", async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-nat',
      },
      async ({ id, port, service, held }) => {
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
        const list = testContext({ service: () => service, answers: null });
        expect(await listCommand.run([], list.ctx)).toBe(0);
        expect(list.stdout()).toContain(`tcp 127.0.0.1:${port} → 80   ${NAT_ONLY_NOTE}`);
      },
    );
  });

  it('Restart container with restart policy always reports "restarted" and the port is held again', async () => {
    if (!h) return;
    await withPublished(
      h,
      {
        name: 'hmtest-containers-always',
        restart: 'always',
      },
      async ({ id, port, service }) => {
        const r = await service.containerAction?.({
          container: 'hmtest-containers-always',
          action: 'restart',
        });
        expect(r).toMatchObject({
          ok: true,
          value: {
            outcome: 'restarted',
            message: `container hmtest-containers-always (image ${h.image}) restarted; tcp 127.0.0.1:${port} is served again. Restart policy: always.`,
          },
        });
        expect(await running(h, id)).toBe(true);
        expect((await holdersOn(service, port)).length).toBeGreaterThan(0);
      },
    );
  });
});

const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/app/cli/main.js', import.meta.url)));
const nobodyCanRun =
  existsSync('/usr/sbin/runuser') &&
  spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/test', '-r', bin], { timeout: 5000 })
    .status === 0;
if (h && !(built && nobodyCanRun)) {
  console.warn(
    'SKIPPED the `nobody` CLI container test: needs dist/ (npm run build) and runuser with a readable checkout',
  );
}

function runAsNobody(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/sbin/runuser',
      [
        '-u',
        'nobody',
        '--',
        '/usr/bin/env',
        ...Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`),
        process.execPath,
        bin,
        ...args,
      ],
      { timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!h)(
  'harbormaster kill / stop-container on a container port (real dockerd, docker-proxy)',
  () => {
    it('kill <port> confirms with container, image and compose project, then stops the container', async () => {
      if (!h) return;
      await withPublished(
        h,
        {
          name: 'hmtest-containers-cli',
          labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
        },
        async ({ id, port, service, held }) => {
          const proxyPid = (held[0]?.owner as ProcessOwner).pid;
          const t = testContext({ service: () => service, answers: ['y'] });
          expect(await killCommand.run([String(port)], t.ctx)).toBe(0);
          expect(t.stdout()).toContain(
            `container hmtest-containers-cli  id ${id.slice(0, 12)}  image ${h.image}  running`,
          );
          expect(t.stdout()).toContain('compose: project shop, service web');
          expect(t.stdout()).toContain(`held on the host by docker-proxy (pid ${proxyPid})`);
          expect(t.prompts).toEqual(['Stop container hmtest-containers-cli? [y/N] ']);
          expect(t.stdout()).toContain(
            `container hmtest-containers-cli (image ${h.image}) stopped; tcp 127.0.0.1:${port} is free.`,
          );
          expect(await running(h, id)).toBe(false);
          expect(isRunning(h.daemonPid)).toBe(true);
        },
      );
    });

    it('kill --pid aimed at docker-proxy is refused (exit 3), and nothing is stopped or signalled', async () => {
      if (!h) return;
      await withPublished(
        h,
        {
          name: 'hmtest-containers-clipid',
        },
        async ({ id, port, service, held }) => {
          const proxyPid = (held[0]?.owner as ProcessOwner).pid;
          const t = testContext({ service: () => service, answers: null });
          expect(
            await killCommand.run([String(port), '--pid', String(proxyPid), '--yes', '--force'], t.ctx),
          ).toBe(3);
          expect(t.stderr()).toContain(
            'This port is forwarded by Docker to container hmtest-containers-clipid; stop the container instead.',
          );
          expect(t.stderr()).toContain(`harbormaster stop-container ${id.slice(0, 12)}`);
          expect(isRunning(proxyPid)).toBe(true);
          expect(await running(h, id)).toBe(true);
        },
      );
    });

    it('stop-container NAME and restart-container ID work for scripts and report the truth', async () => {
      if (!h) return;
      await withPublished(
        h,
        {
          name: 'hmtest-containers-script',
        },
        async ({ id, service }) => {
          const r1 = testContext({ service: () => service, answers: null });
          expect(await restartContainerCommand.run([id.slice(0, 12)], r1.ctx)).toBe(0);
          expect(r1.stdout()).toContain('restarted;');
          const t = testContext({ service: () => service, answers: null });
          expect(await stopContainerCommand.run(['hmtest-containers-script', '--json'], t.ctx)).toBe(0);
          expect(JSON.parse(t.stdout())).toMatchObject({
            action: 'stop',
            outcome: 'freed',
            container: { name: 'hmtest-containers-script' },
          });
          const none = testContext({ service: () => service, answers: null });
          expect(await stopContainerCommand.run(['hmtest-containers-script'], none.ctx)).toBe(3);
          expect(none.stderr()).toContain('No running container is named "hmtest-containers-script"');
          const bad = testContext({ service: () => service, answers: null });
          expect(await stopContainerCommand.run(['--', '-rf'], bad.ctx)).toBe(2);
        },
      );
    });

    it.skipIf(!(built && nobodyCanRun))(
      'as `nobody` (no socket access): "docker-proxy → a container (needs access…)", what to do, nothing signalled',
      async () => {
        if (!h) return;
        await withPublished(
          h,
          {
            name: 'hmtest-containers-nobody',
          },
          async ({ id, port, held }) => {
            const proxyPid = (held[0]?.owner as ProcessOwner).pid;
            const env = { DOCKER_HOST: `unix://${h.socketPath}`, PATH: process.env['PATH'] ?? '' };
            const who = await runAsNobody(['who', String(port)], env);
            expect(who.stdout).toContain('docker-proxy → a container (needs access to the Docker socket)');
            const r = await runAsNobody(['kill', String(port), '--yes', '--force'], env);
            expect(r.stderr).toContain(
              'This port is forwarded by Docker to a container; stop the container instead.',
            );
            expect(r.stderr).toContain('docker group');
            expect(r.stderr).toContain(`docker ps --filter publish=${port}`);
            expect(r.code).toBe(4);
            expect(isRunning(proxyPid)).toBe(true);
            expect(await running(h, id)).toBe(true);
            expect(isRunning(h.daemonPid)).toBe(true);
          },
        );
      },
    );
  },
);
