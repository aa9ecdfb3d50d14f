import { describe, expect, it } from 'vitest';
import type { KillOutcome } from '../model/actions.js';
import { ok } from '../model/errors.js';
import type { Listener } from '../model/listener.js';
import { listener, processOwner, unknownOwner } from '../testing/fixtures.js';
import { ownerKey, summary } from './kill-port.js';
import { verifyAfterExit, type VerifyContext } from './kill-verify.js';

// The killed owner held 127.0.0.1:3000; another, earlier process holds [::1]:3000.
const killed = processOwner({ pid: 100, startToken: '111', ppid: 1 });
const other = processOwner({ pid: 200, startToken: '222', name: 'other' });
const v6 = listener({ address: '::1', port: 3000, owner: other });
// What a scan lists for a moment after the owner's process stopped holding files: its socket, at
// its own address, with nobody holding it.
const orphanAt = (address: string): Listener =>
  listener({ address, port: 3000, owner: unknownOwner({ pid: null, uid: 0, user: 'root' }) });

/** Runs the after-exit check over scripted scans (the last one repeats) on a fake clock. */
async function verifyOver(scans: Listener[][]) {
  let t = 0;
  let i = 0;
  const ctx: VerifyContext = {
    owner: killed,
    protocol: 'tcp',
    port: 3000,
    who: 'node (pid 100)',
    respawnWindowMs: 300,
    before: new Set([ownerKey(other)]),
    heldHere: (l) => l.address === '127.0.0.1' && l.port === 3000,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    elapsed: () => t,
    rescan: async () => ok(scans[Math.min(i++, scans.length - 1)] ?? []),
    report: (outcome: KillOutcome, message: string, extra = {}) =>
      ok({
        outcome,
        pid: 100,
        port: 3000,
        protocol: 'tcp',
        signals: ['SIGTERM'],
        elapsedMs: t,
        heldBy: extra.heldBy ?? null,
        restartedBy: extra.restartedBy ?? null,
        listeners: [],
        command: null,
        message,
      }),
    readParent: async () => null,
  };
  const result = await verifyAfterExit(ctx);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('verifyAfterExit: the killed owner’s own socket, still closing', () => {
  it('is not "a new process": once it is gone, the earlier holder is named', async () => {
    const report = await verifyOver([[v6, orphanAt('127.0.0.1')], [v6, orphanAt('127.0.0.1')], [v6]]);
    expect(report.outcome).toBe('still-held');
    expect(report.heldBy).toEqual(summary(other));
  });

  it('still closing at the end of the window: says so, and never claims a replacement', async () => {
    const report = await verifyOver([[orphanAt('127.0.0.1')]]);
    expect(report.outcome).toBe('still-held');
    expect(report.heldBy).toBeNull();
    expect(report.message).toMatch(/still closing/);
  });

  it('an unowned socket at an address the owner never held is a new holder', async () => {
    const report = await verifyOver([[orphanAt('0.0.0.0')]]);
    expect(report.outcome).toBe('replaced');
  });
});
