import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { KillRequest } from '../../app/contract/api.js';
import { ok, err } from '../../app/model/errors.js';
import type { KillReport } from '../../app/model/actions.js';
import {
  plainListener as listener,
  plainOwner as processOwner,
  settingsWith,
  snapshot,
} from '../../app/testing/fixtures.js';
import type { WindowRoute } from '../../app/model/window-route.js';
import { killConfirmation } from './kill-confirmation.js';
import { toMenuTemplate, trayMenuMode } from './to-menu-template.js';
import { runTrayAction, type TrayActionDeps } from './tray-actions.js';
import { buildTrayMenu } from './tray-menu.js';
import { type TrayAction } from './tray-item.js';

const dev = listener({
  port: 3000,
  url: 'http://127.0.0.1:3000/',
  owner: processOwner({ pid: 321, startToken: 'st', project: { name: 'shop', root: '/s', kind: 'node' } }),
});

function harness(over: Partial<TrayActionDeps> = {}, confirmAnswer = true) {
  const log: string[] = [];
  const kills: KillRequest[] = [];
  const report: KillReport = {
    outcome: 'freed',
    pid: 321,
    port: 3000,
    protocol: 'tcp',
    signals: ['SIGTERM'],
    elapsedMs: 40,
    heldBy: null,
    restartedBy: null,
    listeners: [],
    command: null,
    message: 'node (pid 321) exited; tcp port 3000 is free (40 ms).',
  };
  const deps: TrayActionDeps = {
    api: {
      open: async (r) => (log.push(`open ${r.listenerId}`), err('UNSUPPORTED', 'UDP has no page')),
      kill: async (r) => (kills.push(r), ok(report)),
      setPaused: async (r) => (log.push(`paused ${r.paused}`), ok({ paused: r.paused })),
      containerAction: async () => err('UNSUPPORTED', 'no engine'),
      cancelKill: async (r) => (log.push(`cancel ${r.killId}`), ok({ cancelled: true })),
    },
    latest: () => snapshot([dev]),
    settings: () => settingsWith(),
    currentUid: 1000,
    platform: 'linux',
    now: () => 0,
    confirm: async (d) => (log.push(`confirm: ${d.message}`), confirmAnswer),
    copyText: (t) => log.push(`copy ${t}`),
    showWindow: (r: WindowRoute) => log.push(`window ${JSON.stringify(r)}`),
    report: (t, b) => log.push(`report ${t}: ${b}`),
    quit: () => log.push('quit'),
    ...over,
  };
  return { deps, log, kills };
}

const killAction: TrayAction = {
  type: 'kill',
  listenerId: dev.id,
  pid: 321,
  startToken: 'st',
  mode: 'graceful',
};

describe('runTrayAction', () => {
  it('asks before killing, then reports the verified outcome', async () => {
    const h = harness({ newKillId: () => 'kill-1' });
    await runTrayAction(killAction, h.deps);
    expect(h.kills).toEqual([
      { listenerId: dev.id, pid: 321, startToken: 'st', mode: 'graceful', killId: 'kill-1' },
    ]);
    expect(h.log).toEqual([
      'confirm: Kill node (pid 321) holding port 3000?',
      'report Port 3000 is free: node (pid 321) exited; tcp port 3000 is free (40 ms).',
    ]);
  });

  it('signals nothing when the user cancels', async () => {
    const h = harness({}, false);
    await runTrayAction(killAction, h.deps);
    expect(h.kills).toEqual([]);
  });

  it('skips the dialog for the user\u2019s own dev server when they opted out', async () => {
    const h = harness({ settings: () => settingsWith({ trayKillWithoutConfirmForOwnDev: true }) });
    await runTrayAction(killAction, h.deps);
    expect(h.kills).toHaveLength(1);
    expect(h.log.some((l) => l.startsWith('confirm'))).toBe(false);
  });

  it('refuses a kill whose process changed since the menu was built', async () => {
    const h = harness({
      latest: () => snapshot([{ ...dev, owner: processOwner({ pid: 321, startToken: 'other' }) }]),
    });
    await runTrayAction(killAction, h.deps);
    expect(h.kills).toEqual([]);
    expect(h.log).toEqual([
      'report Not killed: That process is no longer listed on this port; nothing was signalled.',
    ]);
  });

  it('reports an open that failed, copies verified URLs only, and routes the window', async () => {
    const h = harness();
    await runTrayAction({ type: 'open', listenerId: dev.id }, h.deps);
    await runTrayAction({ type: 'copy-url', listenerId: dev.id }, h.deps);
    await runTrayAction({ type: 'copy-url', listenerId: 'gone' }, h.deps);
    await runTrayAction({ type: 'details', listenerId: dev.id }, h.deps);
    await runTrayAction({ type: 'lookup' }, h.deps);
    await runTrayAction({ type: 'set-paused', paused: true }, h.deps);
    await runTrayAction({ type: 'quit' }, h.deps);
    expect(h.log).toEqual([
      `open ${dev.id}`,
      'report Could not open: UDP has no page',
      'copy http://127.0.0.1:3000/',
      'report Nothing to copy: That listener has no web address (or is no longer listed).',
      `window {"kind":"focus","listenerId":"${dev.id}"}`,
      'window {"kind":"lookup"}',
      'paused true',
      'quit',
    ]);
  });

  it('never copies a URL that is not a plain loopback-style web address', async () => {
    const h = harness({ latest: () => snapshot([{ ...dev, url: 'file:///etc/passwd' }]) });
    await runTrayAction({ type: 'copy-url', listenerId: dev.id }, h.deps);
    expect(h.log.some((l) => l.startsWith('copy'))).toBe(false);
  });
});

describe('toMenuTemplate', () => {
  it('keeps labels and enabled states and binds clicks to the item\u2019s intent', () => {
    const dispatched: TrayAction[] = [];
    const template = toMenuTemplate(
      buildTrayMenu({
        snapshot: snapshot([dev]),
        paused: false,
        settings: settingsWith(),
        currentUid: 1000,
        platform: 'linux',
      }),
      (a) => dispatched.push(a),
      'linux',
    );
    const entry = template.find((i) => i.label?.includes(':3000'));
    const sub = entry?.submenu as MenuItemConstructorOptions[];
    const kill = sub.find((i) => i.label === 'Force kill');
    (kill?.click as () => void)();
    template
      .find((i) => i.label === 'Pause scanning')
      ?.click?.(undefined as never, undefined, undefined as never);
    expect(dispatched).toEqual([
      { ...killAction, mode: 'force' },
      { type: 'set-paused', paused: true },
    ]);
    expect(template.find((i) => i.label === 'Dev servers')).toEqual({ label: 'Dev servers', enabled: false });
    expect(template.some((i) => i.type === 'separator')).toBe(true);
  });

  it('escapes & in menu labels on Windows and Linux (a mnemonic there), never on macOS', () => {
    const rnd = listener({ port: 3000, owner: processOwner({ pid: 9, name: 'R&D', startToken: 's' }) });
    const state = {
      snapshot: snapshot([rnd]),
      paused: false,
      settings: settingsWith(),
      currentUid: 1000,
      platform: 'linux' as const,
    };
    const label = (platform: NodeJS.Platform) =>
      toMenuTemplate(buildTrayMenu({ ...state, platform }), () => undefined, platform).find((i) =>
        i.label?.includes(':3000'),
      )?.label;
    expect(label('win32')).toMatch(/:3000 {2}R&&D$/);
    expect(label('linux')).toMatch(/:3000 {2}R&&D$/);
    expect(label('darwin')).toMatch(/:3000 {2}R&D$/);
    // The kill dialog (a message box, not a menu) shows the name as typed.
    expect(killConfirmation(rnd, 'graceful', 0, 'win32').message).toContain('R&D (pid 9)');
  });

  it('uses the context menu on Linux and Windows and a right-click popup on macOS', () => {
    expect(trayMenuMode('linux')).toBe('context-menu');
    expect(trayMenuMode('win32')).toBe('context-menu');
    expect(trayMenuMode('darwin')).toBe('popup-on-right-click');
  });
});
