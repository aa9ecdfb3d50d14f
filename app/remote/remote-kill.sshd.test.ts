import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killScript, parseKillResult } from './kill-script.js';
import { killRemotePort } from './remote-kill.js';
import type { RemoteHost } from './remote-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { isAlive } from '../testing/wait.js';
import { fixtureHost, holderServer, waitForLine } from './test-support/remote-fixture-host.js';

const why = sshdUnavailable();
if (why) console.log(`remote-kill.sshd.test: SKIPPED, ${why}`);

const alive = (pid: number | undefined) => pid !== undefined && isAlive(pid);

// Both listings: procfs (stat field 22, the socket inode) and lsof, the macOS branch, taken here
// on Linux (ps lstart in UTC, lsof naming the pid on the port).
describe.skipIf(why !== null).each([
  { listing: 'procfs', listScript: {} },
  { listing: 'lsof', listScript: { forceLsof: true } },
])(
  'remote kill over a real sshd, with the identity re-check ($listing listing)',
  ({ listing, listScript }) => {
    let fx: SshdFixture;
    let host: RemoteHost;
    const started: ChildProcess[] = [];
    const serve = async (port = 0): Promise<{ child: ChildProcess; port: number }> => {
      const child = fx.spawnInNs(['node', '-e', holderServer(port)]);
      started.push(child);
      return { child, port: Number((await waitForLine(child, /PORT \d+/)).slice(5)) };
    };
    beforeAll(async () => {
      fx = await createSshdFixture();
      host = fixtureHost(fx, 'hr-target', { listScript });
      expect((await host.connect()).ok).toBe(true);
    }, 60_000);
    afterEach(() => {
      for (const c of started.splice(0)) c.kill('SIGKILL');
    });
    afterAll(async () => {
      await host?.disconnect();
      fx?.destroy();
    });

    it('confirms, signals the confirmed holder, and verifies the port is free by a remote re-scan', async () => {
      const { child, port } = await serve();
      let asked = '';
      const r = await killRemotePort(host, port, 'tcp', async (l) => {
        asked = `${l.holder?.pid} ${l.holder?.command}`;
        return true;
      });
      expect(asked).toContain(String(child.pid));
      expect(r).toMatchObject({ ok: true, outcome: { kind: 'freed', pid: child.pid } });
      // The re-check of the listing's kind ran (ps + lsof for an lsof listing).
      expect(r.ok && r.target.listedBy).toBe(listing === 'lsof' ? 'lsof' : undefined);
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((res) => child.once('exit', res));
      expect(child.signalCode).toBe('SIGTERM');
      const after = await host.snapshot();
      expect(after.ok && after.value.listeners.some((l) => l.port === port)).toBe(false);
    });

    it('a holder that changed between confirmation and signal is not signalled (the new holder lives on)', async () => {
      const first = await serve();
      let second: { child: ChildProcess; port: number } | null = null;
      const r = await killRemotePort(host, first.port, 'tcp', async () => {
        // Between the user's "yes" and the signal: the confirmed process lets go of the port and
        // another process takes it.
        first.child.stdin?.write('close\n');
        await waitForLine(first.child, /CLOSED/);
        second = await serve(first.port);
        return true;
      });
      expect(r).toMatchObject({ ok: true, outcome: { kind: 'no-longer-holds' } });
      expect(alive(first.child.pid)).toBe(true);
      expect(alive(second!.child.pid)).toBe(true);
    });

    it('a pid whose start time differs from the confirmed one is not signalled', async () => {
      const { child, port } = await serve();
      const snap = await host.snapshot();
      if (!snap.ok) throw new Error(snap.failure.message);
      const l = snap.value.listeners.find((x) => x.port === port);
      const h = l!.holder!;
      const nonce = randomBytes(8).toString('hex');
      const stale = {
        pid: h.pid,
        startTicks: String(Number(h.startTicks) - 1),
        uid: h.uid!,
        inode: l!.inode,
        port,
        ...(l!.listedBy ? { listedBy: l!.listedBy } : {}),
      };
      expect(l!.listedBy).toBe(listing === 'lsof' ? 'lsof' : undefined);
      const r = await host.run(['sh', '-s'], killScript(nonce, stale));
      expect(parseKillResult(r.stdout, nonce, h.pid)).toMatchObject({ kind: 'changed' });
      const wrongUid = { ...stale, startTicks: h.startTicks, uid: h.uid! + 4242 };
      const r2 = await host.run(['sh', '-s'], killScript(nonce, wrongUid));
      expect(parseKillResult(r2.stdout, nonce, h.pid)).toMatchObject({ kind: 'changed' });
      expect(alive(child.pid)).toBe(true);
    });

    it('a port nobody holds says so and signals nothing', async () => {
      const r = await killRemotePort(host, 1, 'tcp', async () => true);
      expect(r).toMatchObject({ ok: false, reason: 'not-found' });
    });
  },
);
