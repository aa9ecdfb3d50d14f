import type { KillRequest } from '../../contract/api.js';
import type { KillMode } from '../../model/actions.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { ReadIdentity } from '../../owners/types.js';
import type { KillSignal } from '../kill.js';

// The pieces the kill pipeline's real-process tests share (kill, kill-recheck, kill-after-term).

/** A signal function that records every call and then really signals (like process.kill). */
export function spySignal() {
  const calls: { pid: number; signal: KillSignal }[] = [];
  const fn = (pid: number, signal: KillSignal): void => {
    calls.push({ pid, signal });
    process.kill(pid, signal);
  };
  return { calls, fn };
}

/** The request a user would make after seeing `pid` hold TCP `port` in a fresh scan. */
export async function scannedRequest(
  source: { refresh(): Promise<Snapshot> },
  pid: number,
  port: number,
  mode: KillMode = 'graceful',
  extra: Partial<KillRequest> = {},
): Promise<KillRequest> {
  const snap = await source.refresh();
  const l = snap.listeners.find(
    (x) => x.port === port && x.protocol === 'tcp' && x.owner.kind === 'process' && x.owner.pid === pid,
  );
  if (!l || l.owner.kind !== 'process') throw new Error(`pid ${pid} not seen on port ${port}`);
  return { listenerId: l.id, pid, startToken: l.owner.startToken, mode, ...extra };
}

/** `read`, but every pid looks like a later incarnation (pid reuse between the scan and the signal). */
export function reincarnated(read: ReadIdentity): ReadIdentity {
  return async (pid) => {
    const real = await read(pid);
    return real.ok ? { ok: true, value: { ...real.value, startToken: `${real.value.startToken}1` } } : real;
  };
}
