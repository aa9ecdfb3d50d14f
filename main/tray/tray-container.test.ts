import { describe, expect, it } from 'vitest';
import type { ContainerActionRequest } from '../../app/contract/api.js';
import type { ContainerActionReport, ContainerInfo } from '../../app/model/container.js';
import { err, ok, type Result } from '../../app/model/errors.js';
import type { Listener } from '../../app/model/listener.js';
import { listener, processOwner, settingsWith, snapshot } from '../../app/testing/fixtures.js';
import { runTrayAction, type TrayActionDeps } from './tray-actions.js';
import { buildTrayMenu } from './tray-menu.js';
import { type TrayMenuItem } from './tray-item.js';

const ID = 'a1b2c3d4e5f6'.padEnd(64, '0');

const web: ContainerInfo = {
  id: ID,
  shortId: ID.slice(0, 12),
  name: 'web',
  image: 'hm-img:latest',
  state: 'running',
  health: null,
  composeProject: 'shop',
  composeService: 'web',
  restartPolicy: 'always',
  pid: 999,
  ips: ['172.17.0.2'],
  published: [{ protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080, containerPort: 80, listenerIds: [] }],
  inside: null,
};

/** docker-proxy (or dockerd) holding 127.0.0.1:18080 for container web, as the core's join leaves it. */
function heldFor(holder: 'docker-proxy' | 'dockerd', info: ContainerInfo | null, denied = false): Listener {
  return listener({
    id: 'tcp4:127.0.0.1:18080',
    url: null,
    port: 18080,
    owner: processOwner({
      pid: 777,
      startToken: 'tok',
      name: holder,
      command: `/usr/bin/${holder}`,
      exe: `/usr/bin/${holder}`,
      uid: 0,
      user: 'root',
      container: info
        ? { kind: 'docker', name: info.name, id: info.shortId, image: info.image, info, access: 'ok' }
        : { kind: 'docker', name: null, access: denied ? 'denied' : 'ok' },
    }),
  });
}

function submenuOf(l: Listener): { label: string; items: readonly TrayMenuItem[] } {
  const menu = buildTrayMenu({
    snapshot: snapshot([l]),
    paused: false,
    settings: settingsWith({ showSystem: true, showOtherUsers: true }),
    currentUid: 1000,
    platform: 'linux',
  });
  const entry = menu.find((i) => i.label?.includes(':18080'));
  if (!entry?.submenu || entry.label === undefined) throw new Error('no :18080 entry in the menu');
  return { label: entry.label, items: entry.submenu };
}

describe('tray menu for a container-owned port (issue 10)', () => {
  it.each(['docker-proxy', 'dockerd'] as const)(
    'held by %s: labelled with the container and image, Stop and Restart container as the actions, no signal offered',
    (holder) => {
      const { label, items } = submenuOf(heldFor(holder, web));
      expect(label).toContain('web · hm-img:latest');
      const actionable = items.filter((i) => i.action !== undefined && i.enabled !== false);
      expect(actionable.map((i) => i.label)).toEqual([
        'Stop container web',
        'Restart container web',
        'Details…',
      ]);
      expect(items.find((i) => i.label === 'Stop container web')?.action).toEqual({
        type: 'container',
        listenerId: 'tcp4:127.0.0.1:18080',
        containerId: ID,
        action: 'stop',
      });
      expect(items.some((i) => i.action?.type === 'kill')).toBe(false);
      expect(items.some((i) => /kill/i.test(i.label ?? ''))).toBe(false);
    },
  );

  it('without socket access: a disabled Stop container that says why, and no kill of docker-proxy', () => {
    const { items } = submenuOf(heldFor('docker-proxy', null, true));
    const stop = items.find((i) => i.label?.startsWith('Stop container'));
    expect(stop).toMatchObject({
      label: 'Stop container (needs access to the Docker socket)',
      enabled: false,
    });
    expect(items.some((i) => i.action?.type === 'kill')).toBe(false);
  });

  it('an ordinary process keeps Kill and Force kill (nothing changes for non-containers)', () => {
    const { items } = submenuOf(
      listener({
        port: 18080,
        owner: processOwner({ uid: 1000 }),
      }),
    );
    expect(items.filter((i) => i.action?.type === 'kill').map((i) => i.label)).toEqual([
      'Kill (graceful)',
      'Force kill',
    ]);
    expect(items.some((i) => i.label?.startsWith('Stop container'))).toBe(false);
  });

  it('container names from the engine are cleaned before they reach a label', () => {
    const { label, items } = submenuOf(heldFor('docker-proxy', { ...web, name: 'we\u001b[31mb\u202e' }));
    const raw = (t: string | undefined) => (t ?? '').includes('\u001b') || (t ?? '').includes('\u202e');
    expect(raw(label)).toBe(false);
    expect(items.some((i) => raw(i.label))).toBe(false);
  });
});

function deps(
  latest: Listener,
  answer: (r: ContainerActionRequest) => Result<ContainerActionReport>,
  confirmAnswer = true,
) {
  const log: string[] = [];
  const calls: ContainerActionRequest[] = [];
  const d: TrayActionDeps = {
    api: {
      open: async () => err('UNSUPPORTED', 'x'),
      kill: async () => (log.push('KILL'), err('INTERNAL', 'kill must not be called')),
      setPaused: async (r) => ok({ paused: r.paused }),
      containerAction: async (r) => (calls.push(r), answer(r)),
      cancelKill: async () => ok({ cancelled: false }),
    },
    latest: () => snapshot([latest]),
    settings: () => settingsWith(),
    currentUid: 1000,
    platform: 'linux',
    now: () => 0,
    confirm: async (c) => (log.push(`confirm: ${c.message} | ${c.buttons[1]}`), confirmAnswer),
    copyText: () => undefined,
    showWindow: () => undefined,
    report: (t, b) => log.push(`report ${t}: ${b}`),
    quit: () => undefined,
  };
  return { d, log, calls };
}

const report = (outcome: ContainerActionReport['outcome'], message: string): ContainerActionReport => ({
  action: 'stop',
  outcome,
  container: {
    id: web.shortId,
    name: 'web',
    image: web.image,
    composeProject: 'shop',
    restartPolicy: 'always',
  },
  ports: ['tcp 127.0.0.1:18080'],
  elapsedMs: 300,
  message,
});

describe('tray container actions (issue 10)', () => {
  const stop = {
    type: 'container',
    listenerId: 'tcp4:127.0.0.1:18080',
    containerId: ID,
    action: 'stop',
  } as const;

  it('confirms with the container, stops it through the Engine API by id, and reports the verified outcome', async () => {
    const h = deps(heldFor('docker-proxy', web), () =>
      ok(report('freed', 'container web (image hm-img:latest) stopped; tcp 127.0.0.1:18080 is free.')),
    );
    await runTrayAction(stop, h.d);
    expect(h.calls).toEqual([{ container: ID, action: 'stop' }]);
    expect(h.log).toEqual([
      'confirm: Stop container web? | Stop container',
      'report Container web stopped: container web (image hm-img:latest) stopped; tcp 127.0.0.1:18080 is free.',
    ]);
  });

  it('reports "restarted" when the restart policy brought it back', async () => {
    const h = deps(heldFor('dockerd', web), () =>
      ok(report('restarted', 'container web stopped, but was started again by its restart policy (always).')),
    );
    await runTrayAction({ ...stop, action: 'restart' }, h.d);
    expect(h.calls).toEqual([{ container: ID, action: 'restart' }]);
    expect(h.log.at(-1)).toBe(
      'report Container web restarted: container web stopped, but was started again by its restart policy (always).',
    );
  });

  it('stops nothing when the user cancels, or when another container holds the port now', async () => {
    const cancelled = deps(heldFor('docker-proxy', web), () => ok(report('freed', '')), false);
    await runTrayAction(stop, cancelled.d);
    expect(cancelled.calls).toEqual([]);

    const other = deps(heldFor('docker-proxy', { ...web, id: 'f'.repeat(64) }), () =>
      ok(report('freed', '')),
    );
    await runTrayAction(stop, other.d);
    expect(other.calls).toEqual([]);
    expect(other.log).toEqual([
      'report Not stopped: That container no longer holds this port; nothing was stopped or signalled.',
    ]);
  });

  it('passes on what to do when the engine refuses (no socket access)', async () => {
    const h = deps(heldFor('docker-proxy', web), () =>
      err(
        'EPERM',
        'Cannot stop web: no access to the Docker socket /var/run/docker.sock; nothing was stopped.',
        {
          command: 'docker stop web',
        },
      ),
    );
    await runTrayAction(stop, h.d);
    expect(h.log.at(-1)).toBe(
      'report Container not stopped: Cannot stop web: no access to the Docker socket /var/run/docker.sock; nothing was stopped.\ndocker stop web',
    );
    expect(h.log).not.toContain('KILL');
  });
});
