import { describe, expect, it } from 'vitest';
import type { ForwardView, RemoteHostView, RemoteListener } from '../../app/model/remote-host.js';
import { settingsWith, snapshot } from '../../app/testing/fixtures.js';
import { okHostView, remoteListener } from '../../app/testing/remote-fixtures.js';
import { hostsMenu, readTrayHosts, type TrayHosts } from './tray-hosts.js';
import { buildTrayMenu } from './tray-menu.js';
import { type TrayMenuItem } from './tray-item.js';

const remote = (port: number, name: string): RemoteListener =>
  remoteListener(port, { pid: port, startTicks: '1', name, command: name, cwd: null, startedAt: null });
const okView = okHostView;
const keyUnknown: RemoteHostView = {
  alias: 'stranger',
  state: 'host-key-unknown',
  failure: {
    state: 'host-key-unknown',
    message: 'The host key of stranger is not known.',
    fingerprint: 'ED25519 SHA256:abcdef',
    command: 'ssh stranger',
  },
  listeners: null,
  durationMs: null,
  forwardsBroken: false,
  nextRetryMs: null,
};
const forward = (over: Partial<ForwardView> = {}): ForwardView => ({
  id: 1,
  alias: 'devbox',
  localPort: 8081,
  remotePort: 8080,
  mapping: 'remote 8080 → local 8081',
  binds: ['127.0.0.1'],
  url: 'http://127.0.0.1:8081/',
  status: 'ok',
  createdAt: 0,
  ...over,
});
const labels = (items: readonly TrayMenuItem[]) =>
  items.map((i) => (i.type === 'separator' ? '---' : i.label));

describe('the tray Hosts section', () => {
  it('shows nothing at all for a user without pinned or opened hosts and without forwards', () => {
    expect(hostsMenu(null)).toEqual([]);
    expect(hostsMenu({ hosts: [], forwards: [] })).toEqual([]);
  });

  it('lists a connected host with its TCP ports to open (names cleaned), and a stopped host with why', () => {
    const state: TrayHosts = {
      hosts: [
        {
          alias: 'devbox',
          view: okView('devbox', [remote(8080, 'node\u001b[2J\u0007'), remote(5432, 'postgres')]),
        },
        { alias: 'stranger', view: keyUnknown },
      ],
      forwards: [],
    };
    const menu = hostsMenu(state);
    expect(labels(menu)).toEqual(['Hosts', '● devbox — connected', '○ stranger — host key unknown', '---']);
    const dev = menu[1]?.submenu ?? [];
    expect(labels(dev)).toEqual(['5432 · postgres', '8080 · node']);
    expect(labels(dev[1]?.submenu ?? [])).toEqual(['Open', 'Kill node (pid 8080)…']);
    expect(dev[1]?.submenu?.map((i) => i.action)).toEqual([
      { type: 'remote-open', alias: 'devbox', port: 8080 },
      { type: 'remote-kill', alias: 'devbox', port: 8080, pid: 8080, startTicks: '1', inode: '8080' },
    ]);
    const stranger = labels(menu[2]?.submenu ?? []);
    expect(stranger).toEqual([
      'The host key of stranger is not known.',
      'ED25519 SHA256:abcdef',
      'Verify: ssh stranger',
    ]);
  });

  it('offers no kill for a port whose process this login cannot see', () => {
    const hidden: RemoteListener = { ...remote(9000, 'x'), holder: null, pids: [] };
    const menu = hostsMenu({ hosts: [{ alias: 'devbox', view: okView('devbox', [hidden]) }], forwards: [] });
    const port = menu[1]?.submenu?.[0];
    expect(port?.label).toBe('9000 · owner hidden');
    expect(port?.submenu?.[1]).toEqual({
      label: 'Kill: its process is not visible to this login',
      enabled: false,
    });
  });

  it('lists forwards with mapping and status, reopen and close one, and close all', () => {
    const menu = hostsMenu({
      hosts: [],
      forwards: [
        forward(),
        forward({
          id: 2,
          remotePort: 3000,
          mapping: 'remote 3000 → local 3000',
          status: 'remote listener gone',
          url: null,
        }),
      ],
    });
    expect(labels(menu)).toEqual([
      'Forwards',
      'devbox: remote 8080 → local 8081',
      'devbox: remote 3000 → local 3000 (remote listener gone)',
      'Close all forwards',
      '---',
    ]);
    expect(menu[1]?.submenu?.map((i) => i.action)).toEqual([
      { type: 'remote-open', alias: 'devbox', port: 8080 },
      { type: 'close-forward', id: 1 },
    ]);
    expect(menu[2]?.submenu?.[0]?.enabled).toBe(false);
    expect(menu[3]?.action).toEqual({ type: 'close-forward', id: 'all' });
  });

  it('sits in the whole menu before the lookup and quit items', () => {
    const menu = buildTrayMenu({
      snapshot: snapshot([]),
      paused: false,
      settings: settingsWith({}),
      currentUid: 1000,
      platform: 'linux',
      hosts: { hosts: [{ alias: 'devbox', view: okView('devbox', []) }], forwards: [] },
    });
    const l = labels(menu);
    expect(l.indexOf('Hosts')).toBeGreaterThan(-1);
    expect(l.indexOf('Hosts')).toBeLessThan(l.indexOf('Who holds port…'));
    expect(menu.find((i) => i.label?.startsWith('● devbox'))?.submenu?.[0]?.label).toBe('No TCP listeners');
  });

  it('reads only pinned or opened hosts, and only by peeking (the tray never opens a host)', async () => {
    const calls: unknown[] = [];
    const state = await readTrayHosts({
      listHosts: async () => ({
        config: '',
        hosts: [{ alias: 'devbox', pinned: true }, { alias: 'idle' }, { alias: 'open', opened: true }],
        refused: [],
      }),
      getHost: async (r) => (calls.push(r), { ok: true, value: okView(r.alias, []) }),
      listForwards: async () => [forward()],
    });
    expect(calls).toEqual([
      { alias: 'devbox', peek: true },
      { alias: 'open', peek: true },
    ]);
    expect(state?.hosts.map((h) => h.alias)).toEqual(['devbox', 'open']);
    expect(state?.forwards).toHaveLength(1);
  });
});
