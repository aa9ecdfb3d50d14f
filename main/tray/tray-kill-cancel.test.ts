import { afterEach, describe, expect, it } from 'vitest';
import type { KillSignal } from '../../app/actions/kill.js';
import { isAlive, killTracked, startServer, waitUntil } from '../../app/actions/test-support/processes.js';
import { createTestService } from '../../app/actions/test-support/test-service.js';
import { settingsWith } from '../../app/testing/fixtures.js';
import { runTrayAction, type TrayActionDeps } from './tray-actions.js';
import type { TrayMenuItem } from './tray-item.js';
import { createTrayKills, type TrayKills } from './tray-kills.js';
import { buildTrayMenu, type TrayState } from './tray-menu.js';

// Issue 16 item 3: the tray's Force kill can be cancelled while it waits. The real core pipeline
// against a real server that ignores SIGTERM: while the kill waits, the menu (rebuilt on every
// change, as main does) offers "Cancel kill"; choosing it stops the wait and no SIGKILL follows.

/** The tray's dependencies over a real service: no dialogs (confirmation off), reports recorded. */
function trayDeps(
  api: TrayActionDeps['api'],
  kills: TrayKills,
  reports: string[],
  over: Partial<TrayActionDeps> = {},
): TrayActionDeps {
  return {
    api,
    kills,
    latest: () => null,
    settings: () => settingsWith({ confirmBeforeKill: false }),
    currentUid: process.getuid?.() ?? null,
    platform: 'linux',
    now: () => Date.now(),
    confirm: async () => true,
    copyText: () => undefined,
    showWindow: () => undefined,
    report: (title, body) => reports.push(`${title}: ${body}`),
    quit: () => undefined,
    ...over,
  };
}

describe.runIf(process.platform === 'linux')('the tray’s Cancel kill', () => {
  afterEach(() => killTracked());

  it('appears while a force kill waits, cancels it (no SIGKILL), and goes away', async () => {
    const server = await startServer({ ignoreTerm: true });
    const signals: { pid: number; signal: KillSignal }[] = [];
    const service = createTestService({
      respawnWindowMs: 200,
      // A grace period the test would notice being waited out.
      graceMs: 30_000,
      signal: (pid, signal) => {
        signals.push({ pid, signal });
        process.kill(pid, signal);
      },
    });
    const snapshot = await service.getSnapshot();
    const listener = snapshot.listeners.find((l) => l.port === server.port && l.owner.pid === server.pid);
    if (listener?.owner.kind !== 'process') throw new Error('the test server is not in the scan');

    let menu: TrayMenuItem[] = [];
    const state = (): TrayState => ({
      snapshot,
      paused: false,
      settings: settingsWith({ showOtherUsers: true, showSystem: true }),
      currentUid: process.getuid?.() ?? null,
      platform: 'linux',
      killsWaiting: kills.list(),
    });
    const kills = createTrayKills(() => (menu = buildTrayMenu(state())));
    const reports: string[] = [];
    const deps = trayDeps(service, kills, reports, { latest: () => snapshot });

    const started = performance.now();
    const killing = runTrayAction(
      {
        type: 'kill',
        listenerId: listener.id,
        pid: listener.owner.pid,
        startToken: listener.owner.startToken,
        mode: 'force',
      },
      deps,
    );
    // SIGTERM sent and ignored: the core now waits out the grace period before SIGKILL.
    expect(await waitUntil(() => signals.length > 0, 20_000)).toBe(true);
    const cancel = menu.find((i) => i.label?.startsWith('Cancel kill:'));
    expect(cancel?.label).toBe(`Cancel kill: node (pid ${server.pid}) on :${server.port} (force)`);
    expect(cancel?.action).toMatchObject({ type: 'cancel-kill' });
    // It comes first: found at once, before the grace period ends.
    expect(menu[0]).toBe(cancel);

    await runTrayAction(cancel!.action!, deps);
    await killing;
    expect(performance.now() - started).toBeLessThan(25_000);
    expect(signals).toEqual([{ pid: server.pid, signal: 'SIGTERM' }]);
    expect(isAlive(server.pid)).toBe(true);
    expect(reports).toEqual([
      expect.stringMatching(/^Kill cancelled \(port \d+\): Cancelled after SIGTERM: SIGKILL was not sent\./),
    ]);
    expect(menu.some((i) => i.label?.startsWith('Cancel kill'))).toBe(false);
  });

  it('says so when the kill had already finished', async () => {
    const reports: string[] = [];
    const kills = createTrayKills();
    kills.start({ killId: 'k1', who: 'node (pid 1)', port: 3000, mode: 'force' });
    const service = createTestService();
    await runTrayAction({ type: 'cancel-kill', killId: 'k1' }, trayDeps(service, kills, reports));
    expect(reports).toEqual(['Nothing to cancel: That kill had already finished.']);
    expect(kills.list()).toEqual([]);
  });
});
