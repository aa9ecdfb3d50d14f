// Slightly over ~300 lines on purpose: the pipeline's steps (guard, locate, signal, verify, port,
// taskkill) live in kill-*.ts and taskkill.ts; this file is their order, read as one sequence.
import { monotonicMs } from '../watch/clock.js';
import type { KillRequest } from '../contract/api.js';
import { listenersHeldBy, type KillOutcome, type KillReport } from '../model/actions.js';
import { err, ok, type HmError, type Result } from '../model/errors.js';
import type { Listener } from '../model/listener.js';
import type { ReadIdentity } from '../owners/types.js';
import type { SnapshotSource } from '../watch/types.js';
import { guardPid, isProtectedName, validateRequest } from './kill-guard.js';
import { freshScan, locate } from './kill-locate.js';
import {
  describeEndpoint,
  endpointOf,
  listenerFates,
  noLongerHolds,
  ownerKey,
  sameEndpoint,
  summary,
  type Endpoint,
  type ParentFacts,
} from './kill-port.js';
import { createSignaller, type SendSignal } from './kill-signal.js';
import {
  reportAlreadyGone,
  seconds,
  verifyAfterExit,
  type ReportExtra,
  type VerifyContext,
} from './kill-verify.js';
import { elevatedKillCommand } from '../model/commands.js';
import { viewerIsRoot } from '../model/unknown-owner-words.js';
import { defaultRunTaskkill, type RunTaskkill } from './taskkill.js';
import { routeContainerKill, type StopContainer } from '../containers/kill-route.js';

export { PROTECTED_NAMES, checkPid, isProtectedName } from './kill-guard.js';
export { elevatedKillCommand } from '../model/commands.js';
export {
  buildTaskkillArgv,
  interpretTaskkill,
  type RunTaskkill,
  type TaskkillRun,
  type TaskkillVerdict,
} from './taskkill.js';

export type { KillSignal, SendSignal } from './kill-signal.js';

/** Everything the kill pipeline needs; all OS contact is injectable so the policy is testable. */
export interface KillDeps {
  readonly source: SnapshotSource;
  readonly readIdentity: ReadIdentity;
  /** Name, executable and command line of a process (a new holder's parent); default from readIdentity. */
  readonly readParent?: (pid: number) => Promise<ParentFacts | null>;
  /** Default `process.kill`. */
  readonly signal?: SendSignal;
  readonly platform?: NodeJS.Platform;
  /** Default `process.pid`. */
  readonly selfPid?: number;
  /** Self and ancestor pids; default readAncestors. */
  readonly ancestors?: () => Promise<readonly number[]>;
  /** More pids never to touch (this app's helper processes, the serve port's owner…). */
  readonly protectedPids?: () => readonly number[];
  /** How long to wait for SIGTERM to work, ms (default {@link DEFAULT_GRACE_MS}). */
  readonly graceMs?: number;
  /** How long to wait for SIGKILL to work, ms (default 2000). */
  readonly forceGraceMs?: number;
  /** How long to keep re-scanning a freed port for a supervisor's respawn, ms (default 1000). */
  readonly respawnWindowMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Windows only: runs taskkill (default: the real one by absolute path). */
  readonly runTaskkill?: RunTaskkill;
  /** ── CONTAINER HOOK (issue 10) ── stops a container via the Engine API instead of a signal. */
  readonly stopContainer?: StopContainer;
  /**
   * The user's Cancel (issue 16 item 3): once fired, no further signal is sent (no SIGKILL after
   * the grace period, no SIGTERM if it had not gone yet) and the outcome is `cancelled`.
   */
  readonly abort?: AbortSignal;
}

/** Default SIGTERM grace period: long enough for a dev server to close, short enough to wait for. */
export const DEFAULT_GRACE_MS = 4000;
const DEFAULT_FORCE_GRACE_MS = 2000;
const DEFAULT_RESPAWN_WINDOW_MS = 1000;

/**
 * The safe kill pipeline (docs/SECURITY.md#kill-pipeline). Only the owner of
 * the listener is ever signalled, never clients of its port, and only on facts checked after the
 * user said yes:
 * 1. validate; refuse pid ≤ 1, this process and its ancestors, protected pids and
 *    session-critical names (`PROTECTED`);
 * 2. the listener must be in the current snapshot, owned by that pid + start token
 *    (`NOT_IN_SNAPSHOT` / `PROCESS_CHANGED`);
 * 3. immediately before every signal (TERM, and later KILL), a fresh scan must show this process
 *    still holding the exact listener confirmed — protocol, address, port (`NO_LONGER_HOLDS`) —
 *    and its identity (pid + start token + exe) must still match (`PROCESS_CHANGED`); otherwise
 *    nothing is signalled;
 * 4. SIGTERM (Windows: `taskkill /PID n`), wait with back-off up to the grace period; `force`
 *    mode then SIGKILL (`taskkill /F`) after the same checks;
 * 5. re-scan and report the truth for the port and for every other listener the process held.
 * Refusals and failures are error values; outcomes of a real attempt are a {@link KillReport}.
 */
export async function killListenerOwner(request: KillRequest, deps: KillDeps): Promise<Result<KillReport>> {
  const platform = deps.platform ?? process.platform;
  const now = deps.now ?? (() => monotonicMs());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sendSignal: SendSignal = deps.signal ?? ((pid, sig) => void process.kill(pid, sig));
  const graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  const forceGraceMs = deps.forceGraceMs ?? DEFAULT_FORCE_GRACE_MS;

  // 1. Validate before anything touches the OS (kill(2) takes 0 and -1 happily).
  const valid = validateRequest(request);
  if (!valid.ok) return valid;
  const { pid, mode } = valid.value;
  const guarded = await guardPid(pid, {
    platform,
    selfPid: deps.selfPid ?? process.pid,
    ...(deps.ancestors ? { ancestors: deps.ancestors } : {}),
    ...(deps.protectedPids ? { protectedPids: deps.protectedPids } : {}),
  });
  if (!guarded.ok) return guarded;

  // 2. The listener must be in the current snapshot, owned by exactly this incarnation.
  const located = await locate(valid.value, deps.source, platform);
  if (!located.ok) return located;
  const { listener, owner } = located.value;
  const { protocol, port } = listener;
  const confirmed = endpointOf(listener);
  // Container plumbing (docker-proxy, dockerd, containerd…) is never signalled: a container's port
  // is freed by stopping the container, or refused with what to do instead (issue 10).
  const routed = await routeContainerKill(listener, owner, deps.stopContainer);
  if (routed) return routed;
  if (isProtectedName(owner.name, owner.exe, platform)) {
    return err(
      'PROTECTED',
      `${owner.name} (pid ${pid}) is a session-critical process; Harbormaster never kills it.`,
    );
  }
  // Every listener this process holds: the confirmed one first (item 9 of issue 9).
  const held = new Map<string, Endpoint>([[describeEndpoint(confirmed), confirmed]]);
  const addHeld = (listeners: readonly Listener[]): void => {
    for (const l of listenersHeldBy(listeners, owner)) held.set(describeEndpoint(l), endpointOf(l));
  };
  addHeld(located.value.snapshot.listeners);
  let lastListeners: readonly Listener[] = located.value.snapshot.listeners;
  let before = new Set<string>();
  const who = `${owner.name} (pid ${pid})`;
  const { signals, elapsed, recheck, send, waitForExit } = createSignaller({
    owner,
    mode,
    platform,
    readIdentity: deps.readIdentity,
    sendSignal,
    runTaskkill: deps.runTaskkill ?? defaultRunTaskkill,
    now,
    sleep,
    ...(deps.abort ? { abort: deps.abort } : {}),
  });
  const isCancelled = (): boolean => deps.abort?.aborted === true;

  const report = (outcome: KillOutcome, message: string, extra: ReportExtra = {}): Result<KillReport> => {
    const listeners = listenerFates([...held.values()], lastListeners, owner);
    const others = listeners.slice(1).map((f) => {
      const fate =
        f.fate === 'rebound' && f.heldBy ? `now held by ${f.heldBy.name} (pid ${f.heldBy.pid})` : f.fate;
      return `${describeEndpoint(f)} (${fate.replace('-', ' ')})`;
    });
    return ok({
      outcome,
      pid,
      port,
      protocol,
      signals: [...signals],
      elapsedMs: extra.elapsedMs ?? elapsed(),
      heldBy: extra.heldBy ?? null,
      restartedBy: extra.restartedBy ?? null,
      listeners,
      command: extra.command ?? null,
      message: others.length > 0 ? `${message} It also held ${others.join(', ')}.` : message,
    });
  };

  const rescan = async (): Promise<Result<Listener[]>> => {
    const s = await deps.source.refresh();
    if (s.stale || s.status === 'failed') {
      return err(
        'SCAN_FAILED',
        `${who} was signalled, but re-scanning ${protocol} port ${port} failed, so its state is unknown.`,
        { hint: s.error?.message ?? 'Refresh to check again.' },
      );
    }
    lastListeners = s.listeners;
    return ok(s.listeners.filter((l) => l.protocol === protocol && l.port === port));
  };

  const verify: VerifyContext = {
    owner,
    protocol,
    port,
    heldHere: (l) => held.has(describeEndpoint(l)),
    who,
    respawnWindowMs: deps.respawnWindowMs ?? DEFAULT_RESPAWN_WINDOW_MS,
    get before() {
      return before;
    },
    now,
    sleep,
    elapsed,
    rescan,
    report,
    readParent:
      deps.readParent ??
      (async (p) => {
        const id = await deps.readIdentity(p);
        return id.ok ? { pid: p, name: id.value.name, exe: id.value.exe, command: null } : null;
      }),
  };

  // 3. Right before a signal: a fresh scan shows this incarnation holding the confirmed listener,
  // then its identity still matches. 'holds', 'gone', 'released' (scan in `lastListeners`) or an error.
  const confirmStillHolds = async (signal: string): Promise<'holds' | 'gone' | 'released' | HmError> => {
    const s = await freshScan(deps.source);
    if (s.stale || s.status === 'failed') {
      return {
        code: 'SCAN_FAILED',
        message: `Could not re-scan to confirm that ${who} still holds ${describeEndpoint(confirmed)}; ${signal} was not sent.`,
        hint: s.error?.message ?? 'Refresh and try again.',
      };
    }
    lastListeners = s.listeners;
    const id = await recheck();
    if (id !== 'match') return id;
    const holds = s.listeners.some(
      (l) => sameEndpoint(l, confirmed) && ownerKey(l.owner) === ownerKey(owner),
    );
    if (!holds) return 'released';
    addHeld(s.listeners);
    return 'holds';
  };

  const denied = (): Result<KillReport> => {
    const whose = owner.user ? `, owned by ${owner.user},` : '';
    // Root refused too (a confined root: a container, a user namespace, a security module): admin
    // rights would not help, so root is never told to get them, nor handed a sudo command.
    if (viewerIsRoot(located.value.snapshot.viewer ?? null)) {
      return report(
        'permission-denied',
        `The system refused to signal ${who}${whose} even as root: this root is confined (a container, a user namespace or a security module), so admin rights would not help.`,
        { heldBy: summary(owner), command: null },
      );
    }
    const command = elevatedKillCommand(pid, mode, platform);
    return report(
      'permission-denied',
      `Not allowed to stop ${who}${whose}: it needs admin rights. Copy the command to run it yourself${platform === 'win32' ? ' in an elevated prompt' : ''}.`,
      { heldBy: summary(owner), command },
    );
  };

  // 4. Graceful first, on facts checked now.
  const first = await confirmStillHolds(platform === 'win32' ? 'taskkill' : 'SIGTERM');
  if (first === 'gone') return reportAlreadyGone(verify);
  if (first === 'released') {
    return err('NO_LONGER_HOLDS', `${noLongerHolds(pid, confirmed, lastListeners)} Nothing was signalled.`, {
      hint: 'Refresh and check who holds the port before trying again.',
    });
  }
  if (first !== 'holds') return { ok: false, error: first };
  before = new Set(
    lastListeners
      .filter((l) => l.protocol === protocol && l.port === port && ownerKey(l.owner) !== ownerKey(owner))
      .map((l) => ownerKey(l.owner)),
  );
  const forceName = platform === 'win32' ? 'taskkill /F' : 'SIGKILL';
  // Cancelled: send nothing more, and say what is true now (exited meanwhile, or still running).
  const cancelled = async (): Promise<Result<KillReport>> => {
    if ((await waitForExit(0, false)) === 'exited') return verifyAfterExit(verify);
    const scanned = await rescan();
    if (!scanned.ok) return scanned;
    const holder = scanned.value[0];
    const after = signals.length > 0 ? `after ${signals.join(', ')}` : 'before any signal';
    const skipped =
      signals.length === 0
        ? 'nothing was sent'
        : mode === 'force'
          ? `${forceName} was not sent`
          : 'nothing more was sent';
    const port_ =
      holder === undefined
        ? `${protocol} port ${port} is free`
        : ownerKey(holder.owner) === ownerKey(owner)
          ? `it still holds ${protocol} port ${port}`
          : `${protocol} port ${port} is held by ${holder.owner.kind === 'process' ? `${holder.owner.name} (pid ${holder.owner.pid})` : 'another process'}`;
    return report('cancelled', `Cancelled ${after}: ${skipped}. ${who} is still running; ${port_}.`, {
      heldBy: holder ? summary(holder.owner) : null,
    });
  };
  if (isCancelled()) return cancelled();
  // Force after a TERM this window saw fail for this same incarnation (pid + start token, checked
  // by locate): the check just made is the re-check before SIGKILL; no second TERM, no second wait.
  if (mode === 'force' && valid.value.afterFailedTerm === true) return forceNow();
  if (isCancelled()) return cancelled();
  const term = await send(false);
  if (term === 'gone') return reportAlreadyGone(verify);
  if (term === 'denied') return denied();
  if (typeof term === 'object') return err('INTERNAL', `Could not signal ${who}: ${term.failed}.`);

  const graceful = term === 'needs-force' ? 'alive' : await waitForExit(graceMs);
  if (graceful === 'exited') return verifyAfterExit(verify);
  if (graceful === 'cancelled' || isCancelled()) return cancelled();

  if (mode === 'graceful') {
    const scanned = await rescan();
    if (!scanned.ok) return scanned;
    if (scanned.value.length === 0) {
      return report('freed', `${who} released ${protocol} port ${port} but is still running.`);
    }
    const how =
      term === 'needs-force'
        ? 'can only be stopped forcefully'
        : `is still running ${seconds(graceMs)} after ${platform === 'win32' ? 'taskkill' : 'SIGTERM'}`;
    return report(
      'still-running',
      `${who} ${how}; ${protocol} port ${port} is still held. Use Force to stop it.`,
      {
        heldBy: summary(scanned.value[0]?.owner ?? owner),
      },
    );
  }

  // Force: only on facts checked now (the pid may have been reused, the port handed over).
  const second = await confirmStillHolds(forceName);
  if (second === 'gone') return verifyAfterExit(verify);
  if (second === 'released') {
    const holder = lastListeners.find((l) => l.protocol === protocol && l.port === port);
    return report(
      holder ? 'still-held' : 'freed',
      `${noLongerHolds(pid, confirmed, lastListeners)} ${who} is still running; ${forceName} was not sent.`,
      { heldBy: holder ? summary(holder.owner) : null },
    );
  }
  if (second !== 'holds') return { ok: false, error: second };
  // The re-check took a scan: a Cancel that came meanwhile still stops SIGKILL.
  if (isCancelled()) return cancelled();
  return forceNow();

  // SIGKILL (taskkill /F) on facts checked right before, then verify.
  async function forceNow(): Promise<Result<KillReport>> {
    const kill = await send(true);
    if (kill === 'gone') return verifyAfterExit(verify);
    if (kill === 'denied') return denied();
    if (typeof kill === 'object' || kill === 'needs-force') {
      return err(
        'INTERNAL',
        `Could not force-stop ${who}${typeof kill === 'object' ? `: ${kill.failed}` : ''}.`,
      );
    }
    // SIGKILL is sent: a Cancel now changes nothing, the outcome is reported in full.
    if ((await waitForExit(forceGraceMs, false)) === 'exited') return verifyAfterExit(verify);
    const scanned = await rescan();
    if (!scanned.ok) return scanned;
    return report(
      'still-running',
      `${who} survived ${forceName}: it is probably a zombie waiting for its parent, or stuck in uninterruptible I/O; ${protocol} port ${port} is ${scanned.value.length > 0 ? 'still held' : 'free'}.`,
      { heldBy: scanned.value[0] ? summary(scanned.value[0].owner) : null },
    );
  }
}
