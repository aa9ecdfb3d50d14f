import { afterEach, describe, expect, it } from 'vitest';
import { startMultiPortServer } from '../../app/actions/test-support/kill-processes.js';
import { isAlive, killTracked, waitUntil } from '../../app/actions/test-support/processes.js';
import { createTestService } from '../../app/actions/test-support/test-service.js';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { runTrayAction } from './tray-actions.js';

// The tray's kill confirmation and result name every port the process holds (issue 9 item 9),
// with a real process holding TCP and UDP on v4 and v6 loopback, killed through the real core.

describe.runIf(process.platform === 'linux')('tray kill with a process holding several ports', () => {
  afterEach(() => killTracked());

  it('lists every TCP and UDP listener in the confirmation and reports each one freed', async () => {
    const multi = await startMultiPortServer();
    const service = createTestService({ respawnWindowMs: 300 });
    const snap = await service.getSnapshot();
    const first = snap.listeners.find(
      (l) => l.protocol === 'tcp' && l.address === '127.0.0.1' && l.owner.pid === multi.pid,
    );
    if (!first || first.owner.kind !== 'process') throw new Error('server not listed');
    const dialogs: { message: string; detail: string }[] = [];
    const reports: string[] = [];
    await runTrayAction(
      {
        type: 'kill',
        listenerId: first.id,
        pid: multi.pid,
        startToken: first.owner.startToken,
        mode: 'graceful',
      },
      {
        api: service,
        latest: () => snap,
        settings: () => DEFAULT_SETTINGS,
        currentUid: null,
        platform: 'linux',
        now: () => Date.now(),
        confirm: async (d) => (dialogs.push(d), true),
        copyText: () => undefined,
        showWindow: () => undefined,
        report: (title, body) => reports.push(`${title}: ${body}`),
        quit: () => undefined,
      },
    );
    const text = (s: { protocol: string; address: string; port: number }) =>
      `${s.protocol} ${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}`;
    expect(dialogs[0]?.message).toBe(
      `Kill node (pid ${multi.pid}) holding port ${first.port} and 3 other listeners?`,
    );
    for (const s of multi.sockets) expect(dialogs[0]?.detail).toContain(text(s));
    expect(reports[0]).toMatch(new RegExp(`^Port ${first.port} is free: `));
    for (const s of multi.sockets.filter(
      (x) => x.port !== first.port || x.protocol !== 'tcp' || x.address !== '127.0.0.1',
    )) {
      expect(reports[0]).toContain(`${text(s)} (freed)`);
    }
    expect(await waitUntil(() => !isAlive(multi.pid))).toBe(true);
  });
});
