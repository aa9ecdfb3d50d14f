import { describe, expect, it } from 'vitest';
import type { RemoteKillRequest } from '../../app/contract/api.js';
import { err, ok } from '../../app/model/errors.js';
import type { RemoteHolder, RemoteListener } from '../../app/model/remote-host.js';
import { okHostView, remoteListener } from '../../app/testing/remote-fixtures.js';
import type { RemoteKillReport } from '../../app/model/remote-kill.js';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { remoteKillConfirmation } from './remote-kill-confirmation.js';
import { runTrayAction, type TrayActionDeps } from './tray-actions.js';

// The tray's remote kill (issue 15) with its Electron pieces as plain functions: the confirmation
// it shows, that Cancel sends nothing, that a holder no longer listed is never confirmed or
// signalled, and what the user is told (a denial with the exact command, never sudo for them).

const listener = (over: Partial<RemoteHolder> = {}, port = 8080): RemoteListener =>
  remoteListener(port, { command: 'node server.js --port 8080', ...over }, { inode: '777' });
const view = (listeners: RemoteListener[]) => okHostView('devbox', listeners);
const action = {
  type: 'remote-kill',
  alias: 'devbox',
  port: 8080,
  pid: 4242,
  startTicks: '98765',
  inode: '777',
} as const;

function setup(listeners: RemoteListener[], answer: boolean, report: RemoteKillReport | null) {
  const dialogs: { message: string; detail: string; buttons: [string, string] }[] = [];
  const kills: RemoteKillRequest[] = [];
  const told: string[] = [];
  const deps: TrayActionDeps = {
    api: {
      open: async () => err('INTERNAL', 'unused'),
      kill: async () => err('INTERNAL', 'unused'),
      cancelKill: async () => err('INTERNAL', 'unused'),
      setPaused: async () => err('INTERNAL', 'unused'),
      containerAction: async () => err('INTERNAL', 'unused'),
    },
    remote: {
      openRemote: async () => err('INTERNAL', 'unused'),
      closeForwards: async () => err('INTERNAL', 'unused'),
      getHost: async () => ok(view(listeners)),
      killRemote: async (r) => (kills.push(r), report ? ok(report) : err('SCAN_FAILED', 'ssh went away')),
    },
    latest: () => null,
    settings: () => DEFAULT_SETTINGS,
    currentUid: 1000,
    platform: 'linux',
    now: () => 1_000_000 + 65_000,
    confirm: async (d) => (dialogs.push(d), answer),
    copyText: () => undefined,
    showWindow: () => undefined,
    report: (title, body) => told.push(`${title}: ${body}`),
    quit: () => undefined,
  };
  return { deps, dialogs, kills, told };
}

describe('remote kill from the tray', () => {
  it('confirms with command line, working dir, user, uptime and every port freed, Cancel first', () => {
    const d = remoteKillConfirmation('devbox', listener(), [listener(), listener({}, 9229)], 1_065_000);
    expect(d.message).toBe('Kill node (pid 4242) on devbox, holding port 8080 and 1 other listener?');
    expect(d.detail).toContain('Listens on: tcp 127.0.0.1:8080, tcp 127.0.0.1:9229');
    expect(d.detail).toContain('Command: node server.js --port 8080');
    expect(d.detail).toContain('Working dir: /srv/app');
    expect(d.detail).toContain('User: dev');
    expect(d.detail).toContain('Running for: 1 min');
    expect(d.buttons).toEqual(['Cancel', 'Kill']);
  });

  it('cleans control and bidi characters a hostile remote put in the name and command line', () => {
    const d = remoteKillConfirmation(
      'devbox',
      listener({ name: 'no\u001b[2Jde', command: 'evil\u202e\u0007 --flag' }),
      [],
      0,
    );
    const text = `${d.message}\n${d.detail}`;
    expect([...text].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f' || c === '\u202e'))).toEqual([]);
    expect(text).toContain('Kill node (pid 4242)');
  });

  it('signals the confirmed identity after Yes and reports the verified outcome', async () => {
    const report: RemoteKillReport = {
      alias: 'devbox',
      port: 8080,
      pid: 4242,
      outcome: { kind: 'freed', pid: 4242 },
      signalled: true,
      message: 'Killed pid 4242 on devbox: port 8080 is free (verified by a remote re-scan).',
    };
    const t = setup([listener()], true, report);
    await runTrayAction(action, t.deps);
    expect(t.dialogs).toHaveLength(1);
    expect(t.kills).toEqual([
      { alias: 'devbox', port: 8080, pid: 4242, startTicks: '98765', uid: 1000, inode: '777' },
    ]);
    expect(t.told).toEqual([`Port 8080 on devbox is free: ${report.message}`]);
  });

  it('sends nothing when the user cancels', async () => {
    const t = setup([listener()], false, null);
    await runTrayAction(action, t.deps);
    expect(t.dialogs).toHaveLength(1);
    expect(t.kills).toEqual([]);
    expect(t.told).toEqual([]);
  });

  it('neither asks nor signals when the host now shows another process on that port', async () => {
    const t = setup([listener({ startTicks: '11111' })], true, null);
    await runTrayAction(action, t.deps);
    expect(t.dialogs).toEqual([]);
    expect(t.kills).toEqual([]);
    expect(t.told).toEqual([
      'Not killed: That process is no longer listed on devbox; nothing was signalled.',
    ]);
  });

  it('after a permission denial shows the exact command to run (Harbormaster never runs sudo)', async () => {
    const t = setup([listener()], true, {
      alias: 'devbox',
      port: 8080,
      pid: 4242,
      outcome: { kind: 'denied', detail: 'Operation not permitted' },
      signalled: false,
      message: 'Permission denied killing pid 4242 on devbox (Operation not permitted). …',
      command: 'ssh -t devbox -- sudo kill -TERM -- 4242',
    });
    await runTrayAction(action, t.deps);
    expect(t.told[0]).toMatch(/^Not killed: Permission denied/);
    expect(t.told[0]).toContain('\nssh -t devbox -- sudo kill -TERM -- 4242');
  });
});
