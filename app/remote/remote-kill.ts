import { randomBytes } from 'node:crypto';
import type { Protocol } from '../model/listener.js';
import type { RemoteKillOutcome, RemoteKillReport } from '../model/remote-kill.js';
import type { HostFailure } from './host-state.js';
import { killScript, parseKillResult, type RemoteKillTarget } from './kill-script.js';
import type { RemoteListener } from './parse-dump.js';
import type { HostResult, RemoteHost } from './remote-host.js';

/** The result of a remote kill as the user sees it. */
export type RemoteKillResult =
  | { readonly ok: true; readonly outcome: RemoteKillOutcome; readonly target: RemoteKillTarget }
  | { readonly ok: false; readonly reason: 'host'; readonly failure: HostFailure }
  | { readonly ok: false; readonly reason: 'not-found' | 'hidden' | 'cancelled'; readonly message: string };

/** Asked after the fresh listing, before anything is sent; false cancels. */
export type ConfirmRemoteKill = (listener: RemoteListener) => Promise<boolean>;

/**
 * The one remote invocation that re-checks the confirmed identity (pid, start time, uid, still
 * holds the socket) and only then sends SIGTERM, waits and re-scans (kill-script.ts). Every face
 * ends here: the CLI after its own fresh listing, the window and the tray with the identity the
 * user confirmed.
 */
export async function signalRemoteTarget(
  host: RemoteHost,
  target: RemoteKillTarget,
): Promise<HostResult<RemoteKillOutcome>> {
  return (await signalRemote(host, target)).done;
}

/**
 * {@link signalRemoteTarget}, saying which path ran it: the remote agent's kill pipeline when the
 * host has a running agent (it re-checks pid + start time and that the pid still holds the
 * socket, app/actions/kill.ts), else the kill script.
 */
export async function signalRemote(
  host: RemoteHost,
  target: RemoteKillTarget,
): Promise<{ readonly via: 'agent' | 'script'; readonly done: HostResult<RemoteKillOutcome> }> {
  const viaAgent = await host.agentKill?.(target);
  if (viaAgent) return { via: 'agent', done: viaAgent };
  return { via: 'script', done: await scriptKill(host, target) };
}

async function scriptKill(
  host: RemoteHost,
  target: RemoteKillTarget,
): Promise<HostResult<RemoteKillOutcome>> {
  const nonce = randomBytes(12).toString('hex');
  const r = await host.run(['sh', '-s'], killScript(nonce, target));
  if (r.code !== 0 && !r.stdout.includes(`@@${nonce}`))
    return {
      ok: false,
      failure: {
        state: 'failed',
        message: `The remote kill did not run: ${r.stderr.trim() || `exit ${r.code}`}`,
      },
    };
  return { ok: true, value: parseKillResult(r.stdout, nonce, target.pid) };
}

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
  const target: RemoteKillTarget = {
    pid: h.pid,
    startTicks: h.startTicks,
    uid: h.uid,
    inode: l.inode,
    port,
    ...(l.listedBy ? { listedBy: l.listedBy } : {}),
  };
  const done = await signalRemoteTarget(host, target);
  if (!done.ok) return { ok: false, reason: 'host', failure: done.failure };
  return { ok: true, outcome: done.value, target };
}

/** What the user can run on a remote where Harbormaster cannot re-check the process. */
export function manualKillCommand(alias: string, pid: number): string {
  return `ssh ${alias} kill -TERM ${pid}`;
}

/** The command the user can run themselves after a permission denial (we never sudo for them). */
export function deniedCommand(alias: string, pid: number): string {
  return `ssh -t ${alias} -- sudo kill -TERM -- ${pid}`;
}

/**
 * The report every face shows for an outcome: one sentence, whether a signal went out, and after
 * a permission denial the exact command to run by hand. `alias` passed the alias rule and the
 * outcome's details were cleaned by parseKillResult.
 */
export function remoteKillReport(
  alias: string,
  port: number,
  pid: number,
  o: RemoteKillOutcome,
): RemoteKillReport {
  const base = {
    alias,
    port,
    pid,
    outcome: o,
    signalled: o.kind === 'freed' || o.kind === 'still-listening',
  };
  switch (o.kind) {
    case 'freed':
      return {
        ...base,
        message: `Killed pid ${pid} on ${alias}: port ${port} is free (verified by a remote re-scan).`,
      };
    case 'still-listening':
      return {
        ...base,
        message: `Sent SIGTERM to pid ${pid} on ${alias}, but port ${port} is still listening ${o.detail}.`,
      };
    case 'gone':
      return { ...base, message: `pid ${pid} on ${alias} had already exited; nothing was signalled.` };
    case 'changed':
    case 'protected':
      return { ...base, message: `Not signalled: ${o.detail}.` };
    case 'no-longer-holds':
      return { ...base, message: `Not signalled: pid ${pid} no longer holds port ${port} on ${alias}.` };
    case 'denied':
      return {
        ...base,
        message:
          `Permission denied killing pid ${pid} on ${alias} (${o.detail}). Harbormaster never uses sudo ` +
          'for you; to do it yourself run:',
        command: deniedCommand(alias, pid),
      };
    case 'needs-proc':
      return {
        ...base,
        message:
          `Not signalled: remote kill needs /proc or lsof on the remote (${o.detail}) to re-check pid ` +
          `${pid} right before the signal; to do it yourself run:`,
        command: manualKillCommand(alias, pid),
      };
    case 'unreadable':
      return { ...base, message: `The remote kill gave no readable result: ${o.detail}` };
  }
}
