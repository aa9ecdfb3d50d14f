import { randomBytes } from 'node:crypto';
import type { Protocol } from '../model/listener.js';
import type { HostFailure } from './host-state.js';
import { killScript, parseKillResult, type RemoteKillOutcome, type RemoteKillTarget } from './kill-script.js';
import type { RemoteListener } from './parse-dump.js';
import type { RemoteHost } from './remote-host.js';

/** The result of a remote kill as the user sees it. */
export type RemoteKillResult =
  | { readonly ok: true; readonly outcome: RemoteKillOutcome; readonly target: RemoteKillTarget }
  | { readonly ok: false; readonly reason: 'host'; readonly failure: HostFailure }
  | { readonly ok: false; readonly reason: 'not-found' | 'hidden' | 'cancelled'; readonly message: string };

/** Asked after the fresh listing, before anything is sent; false cancels. */
export type ConfirmRemoteKill = (listener: RemoteListener) => Promise<boolean>;

/**
 * Kills the holder of `port` on a remote host: a fresh listing names the holder, the user
 * confirms, then ONE remote invocation re-checks the identity and signals (kill-script.ts).
 */
export async function killRemotePort(
  host: RemoteHost,
  port: number,
  protocol: Protocol | null,
  confirm: ConfirmRemoteKill,
): Promise<RemoteKillResult> {
  const snap = await host.snapshot();
  if (!snap.ok) return { ok: false, reason: 'host', failure: snap.failure };
  const l = snap.value.listeners.find(
    (x) => x.port === port && (protocol === null || x.protocol === protocol),
  );
  if (!l)
    return { ok: false, reason: 'not-found', message: `Nothing listens on port ${port} on ${host.alias}.` };
  const h = l.holder;
  if (!h || h.uid === null)
    return {
      ok: false,
      reason: 'hidden',
      message: `Port ${port} on ${host.alias} is held by a process this login cannot see (socket uid ${l.socketUid}).`,
    };
  if (!(await confirm(l))) return { ok: false, reason: 'cancelled', message: 'Nothing was signalled.' };
  const target: RemoteKillTarget = { pid: h.pid, startTicks: h.startTicks, uid: h.uid, inode: l.inode, port };
  const nonce = randomBytes(12).toString('hex');
  const r = await host.run(['sh', '-s'], killScript(nonce, target));
  if (r.code !== 0 && !r.stdout.includes(`@@${nonce}`))
    return {
      ok: false,
      reason: 'host',
      failure: {
        state: 'failed',
        message: `The remote kill did not run: ${r.stderr.trim() || `exit ${r.code}`}`,
      },
    };
  return { ok: true, outcome: parseKillResult(r.stdout, nonce, h.pid), target };
}

/** The command the user can run themselves after a permission denial (we never sudo for them). */
export function deniedCommand(alias: string, pid: number): string {
  return `ssh -t ${alias} -- sudo kill -TERM -- ${pid}`;
}
