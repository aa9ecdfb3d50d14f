import { describe, expect, it } from 'vitest';
import { SCOPE_CASES } from '../../app/model/test-support/scope-cases.js';
import {
  plainListener as listener,
  plainOwner as processOwner,
  settingsWith,
  snapshot,
} from '../../app/testing/fixtures.js';
import type { Listener } from '../../app/model/listener.js';
import { formatUptime, killConfirmation, needsKillConfirmation } from './kill-confirmation.js';
import { hasWatchedDown, MAX_TOOLTIP, trayIconFor, trayTooltip } from './tray-icon.js';
import { buildTrayMenu, MAX_PER_GROUP, type TrayState } from './tray-menu.js';
import { menuText, type TrayMenuItem } from './tray-item.js';

const web = { name: 'HTTP', category: 'web', neverHttp: false } as const;
const pg = { name: 'PostgreSQL', category: 'database', neverHttp: true } as const;
const dns = { name: 'DNS', category: 'system', neverHttp: true } as const;

const vite = listener({
  port: 5173,
  url: 'http://127.0.0.1:5173/',
  health: { state: 'up', kind: 'http', checkedAt: 1, latencyMs: 3, status: 200 },
  owner: processOwner({
    pid: 501,
    name: 'node',
    project: { name: 'shop', root: '/home/dev/shop', kind: 'node' },
  }),
});
const viteV6 = { ...vite, id: 'tcp6:::1:5173', family: 6 as const, address: '::1', url: null };
const postgres = listener({
  port: 5432,
  service: pg,
  owner: processOwner({ pid: 700, name: 'postgres', uid: 1000 }),
});
const rootNginx = listener({
  port: 8080,
  service: web,
  url: 'http://127.0.0.1:8080/',
  owner: processOwner({ pid: 900, name: 'nginx', uid: 0, user: 'root' }),
});
const sshd = listener({ port: 2222, owner: processOwner({ pid: 300, name: 'sshd', uid: 1000 }) });
const hidden = listener({
  port: 7000,
  owner: { kind: 'unknown', reason: 'permission', message: 'needs admin', pid: null, uid: 0, user: 'root' },
});
const udpDns = listener({
  port: 53,
  protocol: 'udp',
  id: 'udp4:127.0.0.53:53',
  service: dns,
  owner: processOwner({ pid: 80, uid: 990 }),
});

function state(listeners: readonly Listener[], over: Partial<TrayState> = {}): TrayState {
  return {
    snapshot: snapshot(listeners),
    paused: false,
    settings: settingsWith({ showOtherUsers: true, showSystem: true }),
    currentUid: 1000,
    platform: 'linux',
    ...over,
  };
}

const labels = (items: readonly TrayMenuItem[]) =>
  items.map((i) => (i.type === 'separator' ? '---' : i.label));
const find = (items: readonly TrayMenuItem[], prefix: string) => items.find((i) => i.label?.includes(prefix));

describe('buildTrayMenu', () => {
  it('groups dev servers, databases and others, the user\u2019s own first, then by port', () => {
    const menu = buildTrayMenu(state([sshd, rootNginx, postgres, vite]));
    expect(labels(menu)).toEqual([
      'Dev servers',
      '● :5173  shop · node',
      '○ :8080  nginx',
      'Databases',
      '○ :5432  postgres',
      'Other',
      '○ :2222  sshd',
      '---',
      'Who holds port…',
      'Why can’t I connect…',
      'Pause scanning',
      'Open Harbormaster',
      '---',
      'Quit Harbormaster',
    ]);
    expect(menu.find((i) => i.label === 'Dev servers')?.enabled).toBe(false);
    // Issue 13: "Why can't I connect…" opens the window's lookup (a pasted URL or host:port there
    // shows the diagnosis).
    expect(menu.find((i) => i.label === 'Why can’t I connect…')?.action).toEqual({ type: 'lookup' });
  });

  it('gives each listener Open, Copy URL, Kill, Force kill and Details with the right intents', () => {
    const sub = find(buildTrayMenu(state([vite])), ':5173')?.submenu ?? [];
    expect(labels(sub)).toEqual([
      'TCP 127.0.0.1:5173 · pid 501 · dev',
      '---',
      'Open in browser',
      'Copy URL',
      '---',
      'Kill (graceful)',
      'Force kill',
      '---',
      'Details…',
    ]);
    expect(find(sub, 'Open')).toMatchObject({ action: { type: 'open', listenerId: vite.id } });
    expect(find(sub, 'Open')?.enabled).toBe(true);
    expect(find(sub, 'Kill (graceful)')?.action).toEqual({
      type: 'kill',
      listenerId: vite.id,
      pid: 501,
      startToken: 'st-501',
      mode: 'graceful',
    });
    expect(find(sub, 'Force kill')?.action).toMatchObject({ mode: 'force' });
    expect(find(sub, 'Details')?.action).toEqual({ type: 'details', listenerId: vite.id });
  });

  it('disables Open and Copy URL without a URL, and Kill when the owner is unknown', () => {
    const menu = buildTrayMenu(state([sshd, hidden]));
    const sshSub = find(menu, ':2222')?.submenu ?? [];
    expect(find(sshSub, 'Open')?.enabled).toBe(false);
    expect(find(sshSub, 'Copy URL')?.enabled).toBe(false);
    expect(find(sshSub, 'Kill (graceful)')?.enabled).not.toBe(false);
    const hiddenItem = find(menu, ':7000');
    expect(hiddenItem?.label).toBe('○ :7000  owner unknown (needs admin)');
    expect(find(hiddenItem?.submenu ?? [], 'Kill (graceful)')).toEqual({
      label: 'Kill (graceful)',
      enabled: false,
    });
    expect(find(hiddenItem?.submenu ?? [], 'Force kill')?.action).toBeUndefined();
  });

  it('words an unreadable owner for who runs the tray: a user is told admin rights help, root never is', () => {
    const line = (menu: TrayMenuItem[]) => find(menu, ':7000');
    const asUser = line(
      buildTrayMenu(
        state([hidden], { snapshot: { ...snapshot([hidden]), viewer: { uid: 1000, user: 'dev' } } }),
      ),
    );
    expect(asUser?.label).toBe('○ :7000  owner unknown (needs admin)');
    expect(asUser?.submenu?.[0]?.label).toContain('needs admin');

    const rootState = state([hidden], {
      snapshot: { ...snapshot([hidden]), viewer: { uid: 0, user: 'root' } },
      currentUid: 0,
    });
    const asRoot = line(buildTrayMenu(rootState));
    expect(asRoot?.label).toBe('○ :7000  owner unknown (unreadable even as root)');
    const about = asRoot?.submenu?.[0]?.label ?? '';
    expect(about).toContain('even as root');
    // Nothing in root's menu tells it to get admin rights.
    expect(JSON.stringify(buildTrayMenu(rootState))).not.toMatch(/needs admin|admin rights show/);
  });

  it('shows one entry for a server bound on both 127.0.0.1 and ::1, keeping the one with a URL', () => {
    const menu = buildTrayMenu(state([viteV6, vite]));
    const entries = menu.filter((i) => i.label?.includes(':5173'));
    expect(entries).toHaveLength(1);
    expect(find(entries[0]?.submenu ?? [], 'Open')?.action).toEqual({ type: 'open', listenerId: vite.id });
  });

  it('marks UDP sockets and watched ports', () => {
    const menu = buildTrayMenu(
      state([udpDns, vite], {
        settings: settingsWith({ showOtherUsers: true, showSystem: true, watchedPorts: [5173] }),
      }),
    );
    expect(find(menu, ':53')?.label).toBe('○ :53 udp  node');
    expect(find(menu, ':5173')?.label).toBe('● ★ :5173  shop · node');
  });

  it('hides other users\u2019 and system listeners unless the settings show them, and says so', () => {
    const menu = buildTrayMenu(state([vite, rootNginx, udpDns], { settings: settingsWith() }));
    expect(find(menu, ':8080')).toBeUndefined();
    expect(find(menu, ':53')).toBeUndefined();
    expect(find(menu, 'hidden by settings')?.label).toBe('2 hidden by settings (other users, system)');
  });

  it('lists a watched port that is down at the top, and offers Resume while paused', () => {
    const menu = buildTrayMenu(
      state([vite], { paused: true, settings: settingsWith({ watchedPorts: [3000] }) }),
    );
    expect(labels(menu).slice(0, 3)).toEqual([
      'Scanning paused (showing the last scan)',
      '⚠ Watched port 3000 is down',
      '---',
    ]);
    expect(find(menu, 'Resume scanning')?.action).toEqual({ type: 'set-paused', paused: false });
    expect(find(menu, 'Pause scanning')).toBeUndefined();
  });

  it('says when nothing listens, when the first scan is pending, and when a scan failed', () => {
    expect(labels(buildTrayMenu(state([])))[0]).toBe('Nothing is listening');
    expect(labels(buildTrayMenu({ ...state([]), snapshot: null }))[0]).toBe('Scanning…');
    const failed = buildTrayMenu({
      ...state([vite]),
      snapshot: snapshot([vite], {
        status: 'failed',
        stale: true,
        error: { code: 'TOOL_MISSING', message: 'ss is not installed' },
      }),
    });
    expect(labels(failed)[0]).toBe('Scan failed: ss is not installed (showing the last results)');
    expect(find(failed, 'Nothing is listening')).toBeUndefined();
  });

  it('caps each group and links the rest to the window', () => {
    const many = Array.from({ length: MAX_PER_GROUP + 3 }, (_, i) =>
      listener({ port: 3000 + i, url: `http://127.0.0.1:${3000 + i}/` }),
    );
    const menu = buildTrayMenu(state(many));
    expect(menu.filter((i) => i.type === 'submenu')).toHaveLength(MAX_PER_GROUP);
    expect(find(menu, 'more')).toEqual({ label: '…and 3 more', action: { type: 'show-window' } });
  });

  it('strips control characters and truncates untrusted names, and leaves & to the menu template', () => {
    expect(menuText('evil\u0007\u202ename\n')).toBe('evilname');
    expect(menuText('a'.repeat(100))).toHaveLength(48);
    expect(menuText('R&D server')).toBe('R&D server');
  });
});

describe('the tray hides the rows of the shared scope table (app/model/test-support/scope-cases.ts)', () => {
  for (const c of SCOPE_CASES) {
    it(`${c.name}: ${c.scope}`, () => {
      const viewer = c.viewer;
      const at = (show: boolean) =>
        buildTrayMenu({
          snapshot: { ...snapshot([c.listener]), ...(viewer ? { viewer } : {}) },
          paused: false,
          settings: settingsWith({ showOtherUsers: show, showSystem: show }),
          currentUid: viewer?.uid ?? null,
          platform: 'linux',
        }).some((i) => i.label?.includes(`:${c.listener.port}`));
      const hidden = c.scope === 'other-user' || c.scope === 'system';
      expect(at(false)).toBe(!hidden);
      expect(at(true)).toBe(true);
    });
  }
});

describe('tray icon and tooltip', () => {
  it('switches to the alert icon while a watched port is down, per platform', () => {
    const s = snapshot([vite]);
    expect(hasWatchedDown(s, settingsWith({ watchedPorts: [5173] }))).toBe(false);
    expect(hasWatchedDown(s, settingsWith({ watchedPorts: [5173, 3000] }))).toBe(true);
    expect(hasWatchedDown(s, settingsWith({ watchedProjects: ['shop'] }))).toBe(false);
    expect(hasWatchedDown(s, settingsWith({ watchedProjects: ['blog'] }))).toBe(true);
    expect(hasWatchedDown(null, settingsWith({ watchedPorts: [3000] }))).toBe(false);
    expect(trayIconFor({ alert: false }, 'darwin')).toBe('tray/trayTemplate.png');
    expect(trayIconFor({ alert: true }, 'darwin')).toBe('tray/trayAlertTemplate.png');
    expect(trayIconFor({ alert: false }, 'linux')).toBe('tray/tray.png');
    expect(trayIconFor({ alert: true }, 'linux')).toBe('tray/tray-alert.png');
    expect(trayIconFor({ alert: true }, 'win32')).toBe('tray/tray-alert.ico');
  });

  it('counts listeners by group and names what is down', () => {
    const tip = trayTooltip(
      snapshot([vite, viteV6, postgres, sshd]),
      settingsWith({ watchedPorts: [3000] }),
      true,
    );
    expect(tip).toBe('Harbormaster\n3 listening: 1 dev, 1 db, 1 other\nDown: port 3000\nPaused');
    expect(trayTooltip(null, settingsWith(), false)).toBe('Harbormaster\nScanning…');
    const long = trayTooltip(
      snapshot([]),
      settingsWith({ watchedPorts: Array.from({ length: 40 }, (_, i) => 1000 + i) }),
      false,
    );
    expect(long.length).toBeLessThanOrEqual(MAX_TOOLTIP);
  });
});

describe('kill confirmation', () => {
  it('asks by default, not when the user turned it off, and not for own dev servers when opted out', () => {
    expect(needsKillConfirmation(vite, settingsWith(), 1000)).toBe(true);
    expect(needsKillConfirmation(vite, settingsWith({ confirmBeforeKill: false }), 1000)).toBe(false);
    const optOut = settingsWith({ trayKillWithoutConfirmForOwnDev: true });
    expect(needsKillConfirmation(vite, optOut, 1000)).toBe(false);
    expect(needsKillConfirmation(vite, optOut, 1001)).toBe(true);
    expect(needsKillConfirmation(postgres, optOut, 1000)).toBe(true);
  });

  it('names the process, command, user and uptime', () => {
    const l = listener({
      port: 3000,
      owner: processOwner({ startedAt: 0, name: 'node', command: 'node dev.js' }),
    });
    const c = killConfirmation(l, 'force', 2 * 3600_000 + 5 * 60_000, 'linux');
    expect(c.message).toBe('Force kill node (pid 4242) holding port 3000?');
    expect(c.detail).toContain('Command: node dev.js');
    expect(c.detail).toContain('User: dev');
    expect(c.detail).toContain('Running for: 2 h 5 min');
    expect(c.buttons).toEqual(['Cancel', 'Force kill']);
    expect(formatUptime(59_000)).toBe('59 s');
    expect(formatUptime(3 * 86_400_000)).toBe('3 days');
  });
});
