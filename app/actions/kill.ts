import { execFile } from 'node:child_process';
import type { KillRequest } from '../contract/api.js';
import type { KillMode, KillOutcome, KillReport, OwnerSummary } from '../model/actions.js';
import { err, ok, type HmError, type Result } from '../model/errors.js';
import type { Listener, Owner, ProcessOwner } from '../model/listener.js';
import { parsePid } from '../model/port.js';
import type { Snapshot } from '../model/snapshot.js';
import type { ProcessIdentity, ReadIdentity } from '../owners/types.js';
import type { SnapshotSource } from '../watch/types.js';
import { readAncestors } from './ancestors.js';
// ── CONTAINER HOOK (issue 10) ──
import { routeContainerKill, type StopContainer } from '../containers/kill-route.js';

/** The POSIX signals the pipeline sends (0 only tests existence). */
export type KillSignal = 'SIGTERM' | 'SIGKILL';

/** Sends a signal; throws a Node errno error (`ESRCH`, `EPERM`) like `process.kill`. */
export type SendSignal = (pid: number, signal: KillSignal) => void;

/** What one `taskkill.exe` run printed. */
export interface TaskkillRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `%SystemRoot%\System32\taskkill.exe` with an argv array (injectable for tests). */
export type RunTaskkill = (argv: readonly string[]) => Promise<TaskkillRun>;

/** Everything the kill pipeline needs; all OS contact is injectable so the policy is testable. */
export interface KillDeps {
  readonly source: SnapshotSource;
  readonly readIdentity: ReadIdentity;
  /** Default `process.kill`. */
  readonly signal?: SendSignal;
  readonly platform?: NodeJS.Platform;
  /** Default `process.pid`. */
  readonly selfPid?: number;
  /** Self and ancestor pids; default {@link readAncestors}. */
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
}

/** Default SIGTERM grace period: long enough for a dev server to close, short enough to wait for. */
export const DEFAULT_GRACE_MS = 4000;
const DEFAULT_FORCE_GRACE_MS = 2000;
const DEFAULT_RESPAWN_WINDOW_MS = 1000;
/** Poll cadence while waiting for an exit: 50, 100, 200, 400, 800, 1000, 1000… ms. */
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1000;

/**
 * Session-critical process names per platform: killing one logs the user out, freezes the
 * desktop or takes the machine down. research/security.md §3.4 step 2; compare
 * cfengine/documentation#1873. Compared case-insensitively, without `.exe`.
 */
export const PROTECTED_NAMES: Readonly<Record<'linux' | 'darwin' | 'win32', readonly string[]>> = {
  linux: [
    'init',
    'systemd',
    'kthreadd',
    'systemd-logind',
    'dbus-daemon',
    'dbus-broker',
    'Xorg',
    'X',
    'Xwayland',
    'gnome-shell',
    'gnome-session-binary',
    'kwin_x11',
    'kwin_wayland',
    'plasmashell',
    'gdm',
    'gdm3',
    'sddm',
    'lightdm',
  ],
  darwin: ['launchd', 'kernel_task', 'WindowServer', 'loginwindow', 'securityd', 'opendirectoryd'],
  win32: [
    'System',
    'Idle',
    'Registry',
    'smss',
    'csrss',
    'wininit',
    'winlogon',
    'services',
    'lsass',
    'svchost',
    'dwm',
    'explorer',
    'fontdrvhost',
  ],
};

/** Windows pids that are never user processes: 0 (Idle) and 4 (System). */
const WINDOWS_PROTECTED_PIDS = new Set([0, 4]);

/** Is `name` (or the basename of `exe`) a session-critical process on `platform`? */
export function isProtectedName(name: string, exe: string | null, platform: NodeJS.Platform): boolean {
  const list =
    platform === 'darwin' || platform === 'win32' ? PROTECTED_NAMES[platform] : PROTECTED_NAMES.linux;
  const norm = (s: string): string => s.replace(/\.exe$/i, '').toLowerCase();
  const wanted = new Set(list.map(norm));
  const candidates = [name];
  if (exe) candidates.push(exe.split(/[\\/]/).pop() ?? '');
  return candidates.some((c) => c.length > 0 && wanted.has(norm(c)));
}

/**
 * Validates a pid from any source with the specific reason for the dangerous values: kill(2)
 * reads 0 as "my process group" and -1 as "every process I may signal". Numbers or decimal
 * strings only (never `parseInt`-style leniency: `"12abc"` is an error).
 */
export function checkPid(input: unknown): Result<number> {
  if (input === 0 || input === '0') {
    return err('INVALID_PID', 'pid 0 is not a process: signalling it would hit the whole process group.');
  }
  if ((typeof input === 'number' && input < 0) || (typeof input === 'string' && /^-[0-9]+$/.test(input))) {
    return err(
      'INVALID_PID',
      `pid ${String(input)} is not a process: negative pids signal process groups (-1 means every process).`,
    );
  }
  return parsePid(input);
}

/** The argv for taskkill: graceful `/PID n`, `/F` to force, `/T` (whole tree) only when asked. */
export function buildTaskkillArgv(pid: number, options: { force: boolean; tree?: boolean }): string[] {
  const argv = ['/PID', String(pid)];
  if (options.tree === true) argv.push('/T');
  if (options.force) argv.push('/F');
  return argv;
}

/** What a taskkill run means for the pipeline. */
export type TaskkillVerdict = 'sent' | 'gone' | 'denied' | 'needs-force' | 'failed';

/**
 * Reads taskkill's exit code (0 sent, 128 no such process) and, for exit 1/255, its message:
 * "Access is denied" or "can only be terminated forcefully (with /F option)" (sindresorhus/fkill#47).
 * The text is localized, so unknown text on a graceful run counts as needs-force and on a forced
 * run as denied; the wait loop and the re-scan still report what really happened.
 */
export function interpretTaskkill(run: TaskkillRun, force: boolean): TaskkillVerdict {
  if (run.exitCode === 0) return 'sent';
  if (run.exitCode === 128) return 'gone';
  const text = `${run.stderr}\n${run.stdout}`;
  if (/access is denied|zugriff verweigert|accès refusé|acceso denegado|accesso negato/i.test(text)) {
    return 'denied';
  }
  if (/\/F\b|forcefully/i.test(text)) return force ? 'failed' : 'needs-force';
  if (run.exitCode === 1 || run.exitCode === 255) return force ? 'denied' : 'needs-force';
  return 'failed';
}

/** The command a user can copy to do it with admin rights (we never elevate ourselves). */
export function elevatedKillCommand(pid: number, mode: KillMode, platform: NodeJS.Platform): string {
  if (platform === 'win32') return `taskkill /PID ${pid}${mode === 'force' ? ' /F' : ''}`;
  return `sudo kill -${mode === 'force' ? 'KILL' : 'TERM'} ${pid}`;
}

function defaultRunTaskkill(argv: readonly string[]): Promise<TaskkillRun> {
  // Absolute path: PATH may lack System32 (pkrumins/node-tree-kill#34).
  const file = `${process.env['SystemRoot'] ?? 'C:\\Windows'}\\System32\\taskkill.exe`;
  return new Promise((resolve) => {
    execFile(
      file,
      [...argv],
      { shell: false, windowsHide: true, timeout: 10_000, maxBuffer: 64 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = (error as (NodeJS.ErrnoException & { code?: number | string }) | null)?.code;
        resolve({ exitCode: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}

type SignalResult = 'sent' | 'gone' | 'denied' | 'needs-force' | { readonly failed: string };

function summary(owner: Owner): OwnerSummary | null {
  if (owner.kind === 'process') return { pid: owner.pid, name: owner.name, command: owner.command };
  return owner.pid !== null ? { pid: owner.pid, name: 'unknown', command: '' } : null;
}

function ownerKey(owner: Owner): string {
  return owner.kind === 'process' ? `${owner.pid}:${owner.startToken}` : `unknown:${owner.pid ?? '?'}`;
}

function describeOwner(o: OwnerSummary | null): string {
  return o ? `${o.name} (pid ${o.pid})` : 'a process Harbormaster cannot see (needs admin)';
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function sameIdentity(now: ProcessIdentity, owner: ProcessOwner): boolean {
  return now.pid === owner.pid && now.startToken === owner.startToken && now.exe === owner.exe;
}

function validateRequest(request: unknown): Result<KillRequest> {
  if (typeof request !== 'object' || request === null)
    return err('INVALID_REQUEST', 'A kill request is required.');
  const r = request as Record<string, unknown>;
  const rawPid = r['pid'];
  // A request carries a number; a string here ("123; rm -rf ~") is a type error, not text to parse.
  const pid: Result<number> =
    typeof rawPid === 'number' ? checkPid(rawPid) : err('INVALID_PID', 'The process id must be a number.');
  if (!pid.ok) return pid;
  const listenerId = r['listenerId'];
  const startToken = r['startToken'];
  const mode = r['mode'];
  if (typeof listenerId !== 'string' || listenerId.length === 0 || listenerId.length > 300) {
    return err('INVALID_REQUEST', 'The kill request names no listener.');
  }
  if (typeof startToken !== 'string' || startToken.length === 0 || startToken.length > 64) {
    return err('INVALID_REQUEST', 'The kill request has no process start token.');
  }
  if (mode !== 'graceful' && mode !== 'force') {
    return err('INVALID_REQUEST', 'The kill mode must be "graceful" or "force".');
  }
  return ok({ listenerId, pid: pid.value, startToken, mode });
}

/**
 * The safe kill pipeline (SECURITY.md "Killing"; research/security.md §3.4). Only the owner of
 * the listener is ever signalled, never clients of its port, and only when it is the exact
 * process incarnation the user saw:
 * 1. validate; refuse pid ≤ 1, this process and its ancestors, protected pids and
 *    session-critical names (`PROTECTED`);
 * 2. the listener must be in the current snapshot, owned by that pid + start token
 *    (`NOT_IN_SNAPSHOT` / `PROCESS_CHANGED`);
 * 3. re-read identity (pid + start token + exe) immediately before every signal — a mismatch
 *    signals nothing (`PROCESS_CHANGED`);
 * 4. SIGTERM (Windows: `taskkill /PID n`), wait with back-off up to the grace period; `force`
 *    mode then SIGKILL (`taskkill /F`) only if the identity still matches;
 * 5. re-scan and report the truth: freed, restarted (a new process holds the port), still-held,
 *    still-running, already-gone or permission-denied (with a copyable elevated command).
 * Refusals and failures are error values; outcomes of a real attempt are a {@link KillReport}.
 */
export async function killListenerOwner(request: KillRequest, deps: KillDeps): Promise<Result<KillReport>> {
  const platform = deps.platform ?? process.platform;
  const now = deps.now ?? (() => performance.now());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sendSignal: SendSignal = deps.signal ?? ((pid, sig) => void process.kill(pid, sig));
  const runTaskkill = deps.runTaskkill ?? defaultRunTaskkill;
  const graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  const forceGraceMs = deps.forceGraceMs ?? DEFAULT_FORCE_GRACE_MS;
  const respawnWindowMs = deps.respawnWindowMs ?? DEFAULT_RESPAWN_WINDOW_MS;

  // 1. Validate before anything touches the OS (kill(2) takes 0 and -1 happily).
  const valid = validateRequest(request);
  if (!valid.ok) return valid;
  const { listenerId, pid, startToken, mode } = valid.value;
  if (pid <= 1 || (platform === 'win32' && WINDOWS_PROTECTED_PIDS.has(pid))) {
    return err('PROTECTED', `pid ${pid} is the system's init process; Harbormaster never signals it.`);
  }
  const selfPid = deps.selfPid ?? process.pid;
  if (pid === selfPid) return err('PROTECTED', `pid ${pid} is Harbormaster itself; it will not kill itself.`);
  const ancestors = await (deps.ancestors ?? (() => readAncestors(selfPid, platform)))();
  if (ancestors.includes(pid)) {
    return err(
      'PROTECTED',
      `pid ${pid} is one of Harbormaster's parent processes (your terminal, shell or session); killing it would take Harbormaster with it.`,
    );
  }
  if ((deps.protectedPids?.() ?? []).includes(pid)) {
    return err('PROTECTED', `pid ${pid} is one of Harbormaster's own processes.`);
  }

  // 2. The listener must be in the current snapshot, owned by exactly this incarnation.
  let snapshot = deps.source.latest();
  if (snapshot === null || snapshot.stale) snapshot = await deps.source.refresh();
  const listener = snapshot.listeners.find((l) => l.id === listenerId);
  if (!listener) {
    return err('NOT_IN_SNAPSHOT', 'That listener is no longer listed; refresh and try again.', {
      hint: 'The port may already be free.',
    });
  }
  const { protocol, port } = listener;
  const owner = listener.owner;
  if (owner.kind !== 'process') {
    return err(
      'EPERM',
      `The owner of ${protocol} port ${port} is not visible to Harbormaster (needs admin).`,
      {
        hint: 'Run it as an administrator to see and stop the owner.',
        ...(owner.pid !== null ? { command: elevatedKillCommand(owner.pid, mode, platform) } : {}),
      },
    );
  }
  if (owner.pid !== pid || owner.startToken !== startToken) {
    return err(
      'PROCESS_CHANGED',
      `${protocol} port ${port} is now owned by ${owner.name} (pid ${owner.pid}), not the process you chose; nothing was signalled.`,
      { hint: 'Refresh and check who holds the port before trying again.' },
    );
  }
  // ── CONTAINER HOOK (issue 10): docker-proxy, dockerd, containerd… are never signalled; a
  // container's port is freed by stopping the container (or refused with what to do instead).
  const routed = await routeContainerKill(listener, owner, deps.stopContainer);
  if (routed) return routed;
  // ── end CONTAINER HOOK ──
  if (isProtectedName(owner.name, owner.exe, platform)) {
    return err(
      'PROTECTED',
      `${owner.name} (pid ${pid}) is a session-critical process; Harbormaster never kills it.`,
    );
  }
  const before = new Set(
    snapshot.listeners
      .filter((l) => l.protocol === protocol && l.port === port && ownerKey(l.owner) !== ownerKey(owner))
      .map((l) => ownerKey(l.owner)),
  );
  const who = `${owner.name} (pid ${pid})`;
  const signals: KillReport['signals'][number][] = [];
  let firstSignalAt: number | null = null;
  const elapsed = (): number => (firstSignalAt === null ? 0 : Math.max(0, Math.round(now() - firstSignalAt)));
  const report = (
    outcome: KillOutcome,
    message: string,
    extra: { heldBy?: OwnerSummary | null; command?: string | null; elapsedMs?: number } = {},
  ): Result<KillReport> =>
    ok({
      outcome,
      pid,
      port,
      protocol,
      signals: [...signals],
      elapsedMs: extra.elapsedMs ?? elapsed(),
      heldBy: extra.heldBy ?? null,
      command: extra.command ?? null,
      message,
    });

  // 3. Identity re-check right before a signal: 'match', 'gone', or an error to return.
  const recheck = async (): Promise<'match' | 'gone' | HmError> => {
    const id = await deps.readIdentity(pid);
    if (!id.ok) {
      if (id.error.code === 'ESRCH') return 'gone';
      if (id.error.code === 'EPERM') {
        return {
          code: 'EPERM',
          message: `Cannot read the identity of ${who} (needs admin); nothing was signalled.`,
          command: elevatedKillCommand(pid, mode, platform),
        };
      }
      return { code: id.error.code, message: `${id.error.message} Nothing was signalled.` };
    }
    if (!sameIdentity(id.value, owner)) {
      return {
        code: 'PROCESS_CHANGED',
        message: `pid ${pid} is no longer the ${owner.name} you chose (its start time or executable changed); nothing was signalled.`,
        hint: 'The pid was probably reused by a new process. Refresh and try again.',
      };
    }
    if (isProtectedName(id.value.name, id.value.exe, platform)) {
      return { code: 'PROTECTED', message: `${id.value.name} (pid ${pid}) is a session-critical process.` };
    }
    return 'match';
  };

  const send = async (force: boolean): Promise<SignalResult> => {
    if (platform === 'win32') {
      signals.push(force ? 'taskkill /F' : 'taskkill');
      firstSignalAt ??= now();
      const verdict = interpretTaskkill(await runTaskkill(buildTaskkillArgv(pid, { force })), force);
      return verdict === 'failed' ? { failed: 'taskkill failed' } : verdict;
    }
    const sig: KillSignal = force ? 'SIGKILL' : 'SIGTERM';
    firstSignalAt ??= now();
    try {
      sendSignal(pid, sig);
      signals.push(sig);
      return 'sent';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return 'gone';
      if (code === 'EPERM') return 'denied';
      return { failed: e instanceof Error ? e.message : String(e) };
    }
  };

  // Polls identity with back-off until the process is gone (or its pid was reused) or time is up.
  const waitForExit = async (budgetMs: number): Promise<'exited' | 'alive'> => {
    const deadline = now() + budgetMs;
    let delay = FIRST_POLL_MS;
    for (;;) {
      const id = await deps.readIdentity(pid);
      if (!id.ok && id.error.code === 'ESRCH') return 'exited';
      // Another start token: the pid was reused, so ours is gone. An exe that became unreadable
      // means a zombie (exited, holding no sockets, waiting to be reaped): proc(5) /proc/<pid>/exe.
      if (id.ok && (id.value.startToken !== startToken || (owner.exe !== null && id.value.exe === null))) {
        return 'exited';
      }
      const left = deadline - now();
      if (left <= 0) return 'alive';
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  };

  const holdersIn = (s: Snapshot): Listener[] =>
    s.listeners.filter((l) => l.protocol === protocol && l.port === port);
  const rescan = async (): Promise<Result<Listener[]>> => {
    const s = await deps.source.refresh();
    if (s.stale || s.status === 'failed') {
      return err(
        'SCAN_FAILED',
        `${who} was signalled, but re-scanning ${protocol} port ${port} failed, so its state is unknown.`,
        {
          hint: s.error?.message ?? 'Refresh to check again.',
        },
      );
    }
    return ok(holdersIn(s));
  };

  // 5. The port's truth after the owner exited: freed, restarted by someone, or still held.
  const verifyAfterExit = async (): Promise<Result<KillReport>> => {
    const windowEnd = now() + respawnWindowMs;
    let freedAt: number | null = null;
    let delay = 100;
    for (;;) {
      const scanned = await rescan();
      if (!scanned.ok) return scanned;
      const holders = scanned.value;
      // The owner itself can still be listed for a moment after it stopped being "alive": the
      // kernel releases its memory (making /proc/<pid>/exe unreadable) before closing its files
      // (do_exit: exit_mm before exit_files). Never mistake that for a respawn; wait it out. The
      // owner resolver may already call it vanished (its stat reads as exited) while the socket
      // is still listed under its pid: that is the same exiting owner, not a new process.
      const stillOurs = holders.some(
        (l) =>
          ownerKey(l.owner) === ownerKey(owner) ||
          (l.owner.kind === 'unknown' && l.owner.reason === 'vanished' && l.owner.pid === owner.pid),
      );
      // A process caught mid-start can own a socket before the scan maps it to a pid; look again
      // (within the window) so "held by" names a process rather than "unknown".
      const unnamed = holders.length > 0 && holders.every((l) => l.owner.kind !== 'process');
      if (stillOurs && now() >= windowEnd) {
        return report(
          'still-running',
          `${who} is exiting but still holds ${protocol} port ${port}; it may be stuck closing (check again in a moment).`,
          { heldBy: summary(owner) },
        );
      }
      if ((stillOurs || unnamed) && now() < windowEnd) {
        await sleep(Math.min(delay, Math.max(0, windowEnd - now())));
        delay *= 2;
        continue;
      }
      if (holders.length > 0) {
        const fresh =
          holders.find((l) => l.owner.kind === 'process' && !before.has(ownerKey(l.owner))) ??
          holders.find((l) => !before.has(ownerKey(l.owner)));
        if (fresh) {
          const heldBy = summary(fresh.owner);
          const parent = fresh.owner.kind === 'process' ? fresh.owner.ppid : null;
          const by =
            parent === 1 && platform !== 'win32'
              ? ' (its parent is pid 1: a service manager such as systemd or launchd; stop the service instead)'
              : parent !== null
                ? ` (started by pid ${parent}, probably a supervisor; stop that instead)`
                : '';
          return report(
            'restarted',
            `${who} exited, but ${protocol} port ${port} is held again by a new process, ${describeOwner(heldBy)}${by}.`,
            { heldBy },
          );
        }
        const heldBy = summary(holders[0]?.owner ?? owner);
        return report(
          'still-held',
          `${who} exited, but ${protocol} port ${port} is still held by ${describeOwner(heldBy)}.`,
          {
            heldBy,
          },
        );
      }
      freedAt ??= elapsed();
      const left = windowEnd - now();
      if (left <= 0) {
        return report(
          'freed',
          `${who} stopped; ${protocol} port ${port} is free (after ${seconds(freedAt)}).`,
          {
            elapsedMs: freedAt,
          },
        );
      }
      // Keep looking a little: a supervisor (nodemon, pm2, systemd Restart=) respawns within ~1 s.
      await sleep(Math.min(delay, left));
      delay *= 2;
    }
  };

  const alreadyGone = async (): Promise<Result<KillReport>> => {
    const scanned = await rescan();
    if (!scanned.ok) return scanned;
    const holder = scanned.value[0];
    const heldBy = holder ? summary(holder.owner) : null;
    return report(
      'already-gone',
      holder
        ? `${who} had already exited; ${protocol} port ${port} is held by ${describeOwner(heldBy)}.`
        : `${who} had already exited; ${protocol} port ${port} is free.`,
      { heldBy },
    );
  };

  const denied = (): Result<KillReport> => {
    const command = elevatedKillCommand(pid, mode, platform);
    const whose = owner.user ? `, owned by ${owner.user},` : '';
    return report(
      'permission-denied',
      `Not allowed to stop ${who}${whose}: it needs admin rights. Copy the command to run it yourself${platform === 'win32' ? ' in an elevated prompt' : ''}.`,
      { heldBy: summary(owner), command },
    );
  };

  // 4. Graceful first.
  const first = await recheck();
  if (first === 'gone') return alreadyGone();
  if (first !== 'match') return { ok: false, error: first };
  const term = await send(false);
  if (term === 'gone') return alreadyGone();
  if (term === 'denied') return denied();
  if (typeof term === 'object') return err('INTERNAL', `Could not signal ${who}: ${term.failed}.`);

  const graceful = term === 'needs-force' ? 'alive' : await waitForExit(graceMs);
  if (graceful === 'exited') return verifyAfterExit();

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

  // Force: only if it is still the same process (the pid may have been reused during the wait).
  const second = await recheck();
  if (second === 'gone') return verifyAfterExit();
  if (second !== 'match') return { ok: false, error: second };
  const kill = await send(true);
  if (kill === 'gone') return verifyAfterExit();
  if (kill === 'denied') return denied();
  if (typeof kill === 'object' || kill === 'needs-force') {
    return err(
      'INTERNAL',
      `Could not force-stop ${who}${typeof kill === 'object' ? `: ${kill.failed}` : ''}.`,
    );
  }
  if ((await waitForExit(forceGraceMs)) === 'exited') return verifyAfterExit();
  const scanned = await rescan();
  if (!scanned.ok) return scanned;
  return report(
    'still-running',
    `${who} survived ${platform === 'win32' ? 'taskkill /F' : 'SIGKILL'}: it is probably a zombie waiting for its parent, or stuck in uninterruptible I/O; ${protocol} port ${port} is ${scanned.value.length > 0 ? 'still held' : 'free'}.`,
    { heldBy: scanned.value[0] ? summary(scanned.value[0].owner) : null },
  );
}
