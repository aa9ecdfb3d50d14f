import type { KillOutcome, KillReport, OwnerSummary, RestartEvidence } from '../model/actions.js';
import type { Result } from '../model/errors.js';
import type { Listener, ProcessOwner, Protocol } from '../model/listener.js';
import {
  describeOwner,
  heldByOwner,
  isKnownSupervisor,
  ownerKey,
  restartEvidence,
  summary,
  type ParentFacts,
} from './kill-port.js';

/** Extra facts a report can carry. */
export interface ReportExtra {
  readonly heldBy?: OwnerSummary | null;
  readonly command?: string | null;
  readonly elapsedMs?: number;
  readonly restartedBy?: RestartEvidence | null;
}

/** What the after-signal checks need from the running kill. */
export interface VerifyContext {
  readonly owner: ProcessOwner;
  readonly protocol: Protocol;
  readonly port: number;
  /** `node (pid 42)`. */
  readonly who: string;
  readonly respawnWindowMs: number;
  /** Owners of the port (other than ours) before the first signal: they are not respawns. */
  readonly before: ReadonlySet<string>;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** ms since the first signal. */
  elapsed(): number;
  /** A fresh scan's holders of protocol/port (any address). */
  rescan(): Promise<Result<Listener[]>>;
  report(outcome: KillOutcome, message: string, extra?: ReportExtra): Result<KillReport>;
  /** Name/exe/command of a parent process, for supervisor evidence. */
  readParent(pid: number): Promise<ParentFacts | null>;
  /** True for an address (ip:port) the owner held when it was signalled. */
  heldHere(l: Listener): boolean;
}

/**
 * A socket still listed at an address our owner held, with no process holding it: the owner's own
 * socket, closed a moment after its process stopped holding any files (the kernel frees a listening
 * socket after its last fd; under load the gap is visible to a scan). It is not a new holder.
 */
function closingOrphan(ctx: VerifyContext, l: Listener): boolean {
  return l.owner.kind === 'unknown' && l.owner.pid === null && ctx.heldHere(l);
}

/**
 * Shells and terminals. An interactive one (no script, no `-c`: the user's prompt) does not
 * restart a server started from it when it exits; a `while true` loop typed at the prompt is the
 * exception, and is then reported as freed (the next scan shows the new process). A shell running
 * a script or `-c` may start something next, so it is watched like any other parent.
 */
const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'fish',
  'ksh',
  'mksh',
  'tcsh',
  'csh',
  'nu',
  'pwsh',
  'powershell.exe',
  'cmd.exe',
  'tmux: server',
  'screen',
  'sshd',
  'login',
]);

/**
 * Can anything restart the owner within the respawn window? Only its parent can (a supervisor,
 * a script that spawns it again, systemd for a service): not when the parent is gone, and not
 * when it is a shell or terminal. Without this, every kill waited the whole window (1 s) before
 * saying "freed" even when nothing could respawn it (issue 14 item 3).
 */
export async function respawnPossible(
  owner: ProcessOwner,
  readParent: (pid: number) => Promise<ParentFacts | null>,
): Promise<boolean> {
  const ppid = owner.ppid;
  if (ppid === null || ppid <= 0) return true; // unknown parent: keep watching
  const parent = await readParent(ppid);
  if (parent === null) return false;
  if (isKnownSupervisor(parent)) return true;
  const name = parent.name.replace(/^-/, '').toLowerCase(); // "-bash": a login shell
  return !(SHELLS.has(name) && isInteractive(parent.command));
}

/** `bash`, `-zsh`, `bash -i --login`: a prompt. `sh -c …`, `bash run.sh`: a script. Unknown: no. */
function isInteractive(command: string | null): boolean {
  if (command === null) return false;
  const args = command.trim().split(/\s+/).slice(1);
  return args.every((a) => a.startsWith('-') && a !== '-c' && !/^-[a-z]*c[a-z]*$/i.test(a));
}

/** "120 ms", "1.5 s". */
export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Why we call it a restart, in words. */
function evidenceText(e: RestartEvidence): string {
  const parent = `pid ${e.pid}${e.name ? ` (${e.name})` : ''}`;
  return e.evidence === 'known-supervisor'
    ? `started by ${parent}, a service manager or supervisor`
    : `started by ${parent}, which started the same command again: a supervisor`;
}

/** A new holder of the port after our owner exited: a restart with evidence, or just a new process. */
async function newHolder(ctx: VerifyContext, fresh: Listener): Promise<Result<KillReport>> {
  const heldBy = summary(fresh.owner);
  const { who, protocol, port } = ctx;
  const freshOwner = fresh.owner.kind === 'process' ? fresh.owner : null;
  const parent =
    freshOwner?.ppid != null && freshOwner.ppid > 0 ? await ctx.readParent(freshOwner.ppid) : null;
  const evidence = freshOwner ? restartEvidence(ctx.owner, freshOwner, parent) : null;
  if (evidence) {
    return ctx.report(
      'restarted',
      `${who} exited, but ${protocol} port ${port} is held again: it was restarted by its supervisor as ${describeOwner(heldBy)} (${evidenceText(evidence)}; stop that instead).`,
      { heldBy, restartedBy: evidence },
    );
  }
  return ctx.report(
    'replaced',
    `${who} exited, but ${protocol} port ${port} is taken: a new process ${describeOwner(heldBy)} now holds it.`,
    { heldBy },
  );
}

/**
 * After the owner exited, re-scans and reports the port's truth: freed (in how long), restarted
 * by a supervisor (with evidence), taken by a new process, or still held by an earlier one.
 */
export async function verifyAfterExit(ctx: VerifyContext): Promise<Result<KillReport>> {
  const { who, protocol, port, owner } = ctx;
  const windowEnd = ctx.now() + ctx.respawnWindowMs;
  let freedAt: number | null = null;
  let watch = true;
  // Re-scans of one port cost ~1 ms: look again soon (5, 10, 20 … ms), as the kernel closes an
  // exiting process's sockets a moment after its pid stops looking alive.
  let delay = 5;
  for (;;) {
    const scanned = await ctx.rescan();
    if (!scanned.ok) return scanned;
    const holders = scanned.value;
    // The owner itself can still be listed for a moment after it stopped being "alive": the
    // kernel releases its memory (making /proc/<pid>/exe unreadable) before closing its files
    // (do_exit: exit_mm before exit_files). Never mistake that for a respawn; wait it out. The
    // owner resolver may already call it vanished (its stat reads as exited) while the socket
    // is still listed under its pid: that is the same exiting owner, not a new process.
    const stillOurs = holders.some((l) => heldByOwner(l, owner));
    const closing = holders.some((l) => closingOrphan(ctx, l));
    // A process caught mid-start can own a socket before the scan maps it to a pid; look again
    // (within the window) so "held by" names a process rather than "unknown".
    const unnamed = holders.length > 0 && holders.every((l) => l.owner.kind !== 'process');
    if (stillOurs && ctx.now() >= windowEnd) {
      return ctx.report(
        'still-running',
        `${who} is exiting but still holds ${protocol} port ${port}; it may be stuck closing (check again in a moment).`,
        { heldBy: summary(owner) },
      );
    }
    if ((stillOurs || closing || unnamed) && ctx.now() < windowEnd) {
      await ctx.sleep(Math.min(delay, Math.max(0, windowEnd - ctx.now())));
      delay *= 2;
      continue;
    }
    if (holders.length > 0) {
      const others = holders.filter((l) => !closingOrphan(ctx, l));
      const fresh =
        others.find((l) => l.owner.kind === 'process' && !ctx.before.has(ownerKey(l.owner))) ??
        others.find((l) => !ctx.before.has(ownerKey(l.owner)));
      if (fresh) return newHolder(ctx, fresh);
      if (others.length === 0) {
        return ctx.report(
          'still-held',
          `${who} exited, but its socket on ${protocol} port ${port} is still closing; check again in a moment.`,
        );
      }
      const heldBy = summary(others[0]?.owner ?? owner);
      return ctx.report(
        'still-held',
        `${who} exited, but ${protocol} port ${port} is still held by ${describeOwner(heldBy)}.`,
        { heldBy },
      );
    }
    if (freedAt === null) {
      freedAt = ctx.elapsed();
      watch = await respawnPossible(owner, (p) => ctx.readParent(p));
    }
    const left = windowEnd - ctx.now();
    if (left <= 0 || !watch) {
      return ctx.report(
        'freed',
        `${who} stopped; ${protocol} port ${port} is free (after ${seconds(freedAt)}).`,
        {
          elapsedMs: freedAt,
        },
      );
    }
    // Keep looking a little: a supervisor (nodemon, pm2, systemd Restart=) respawns within ~1 s.
    await ctx.sleep(Math.min(delay, left));
    delay *= 2;
  }
}

/** The owner had exited before we signalled: say who, if anyone, holds the port now. */
export async function reportAlreadyGone(ctx: VerifyContext): Promise<Result<KillReport>> {
  const scanned = await ctx.rescan();
  if (!scanned.ok) return scanned;
  const holder = scanned.value[0];
  const heldBy = holder ? summary(holder.owner) : null;
  return ctx.report(
    'already-gone',
    holder
      ? `${ctx.who} had already exited; ${ctx.protocol} port ${ctx.port} is held by ${describeOwner(heldBy)}.`
      : `${ctx.who} had already exited; ${ctx.protocol} port ${ctx.port} is free.`,
    { heldBy },
  );
}
