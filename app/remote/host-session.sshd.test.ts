import { dirname } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForward } from './forwards.js';
import { createHostSession, type HostView } from './host-session.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { fetchLine, fixtureHost, lineServer, waitForLine } from './test-support/remote-fixture-host.js';

const why = sshdUnavailable();
if (why) console.log(`host-session.sshd.test: SKIPPED, ${why}`);

const SERVER = lineServer('still here\n');

describe.skipIf(why !== null)('a host session when sshd dies mid-session', () => {
  let fx: SshdFixture;
  let server: ChildProcess;
  beforeAll(async () => {
    fx = await createSshdFixture();
  }, 60_000);
  afterAll(() => {
    server?.kill('SIGKILL');
    fx?.destroy();
  });

  it('shows disconnected, marks its forwards broken, retries with growing back-off, reconnects and restores them', async () => {
    server = fx.spawnInNs(['node', '-e', SERVER]);
    const port = Number((await waitForLine(server, /PORT \d+/)).slice(5));
    // As the app polls: one kept remote shell, which dies with sshd and is replaced after it.
    const host = fixtureHost(fx, 'hr-target', { persist: 'yes', keepShell: true });
    const runtimeDir = dirname(host.target.controlPath);
    const views: HostView[] = [];
    const waiters: { test: (v: HostView) => boolean; resolve: () => void }[] = [];
    const until = (test: (v: HostView) => boolean) =>
      new Promise<void>((resolve) => (views.some(test) ? resolve() : waiters.push({ test, resolve })));
    const session = createHostSession({
      host,
      runtimeDir,
      intervalMs: 300,
      retryBaseMs: 200,
      retryMaxMs: 3_000,
      onChange: (v) => {
        views.push(v);
        for (const w of waiters.splice(0)) {
          if (w.test(v)) w.resolve();
          else waiters.push(w);
        }
      },
    });
    session.start();
    await until((v) => v.state === 'ok');
    const f = await openForward(host, runtimeDir, { port, address: '127.0.0.1' }, null);
    if (!f.ok) throw new Error(f.failure.message);
    expect(await fetchLine(f.value.record.localPort)).toBe('still here\n');

    fx.stopSshd();
    await until((v) => v.state === 'disconnected' && v.attempts >= 3);
    const down = views.filter((v) => v.state === 'disconnected');
    expect(down[0]?.forwardsBroken).toBe(true);
    expect(down.map((v) => v.nextRetryMs).slice(0, 3)).toEqual([200, 400, 800]);
    expect(views.some((v) => v.state === 'ok' && v.snapshot === null)).toBe(false);

    await fx.startSshd();
    const okAgain = views.length;
    await until((v) => v.state === 'ok' && views.indexOf(v) >= okAgain);
    expect(session.view().forwardsBroken).toBe(false);
    expect(await fetchLine(f.value.record.localPort)).toBe('still here\n');

    await session.dispose();
    expect(await host.isConnected()).toBe(false);
    await expect(fetchLine(f.value.record.localPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 90_000);
});
