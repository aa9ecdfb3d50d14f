import type { KillMode, KillReport } from '../model/actions.js';
import type { HmError } from '../model/errors.js';
import type { ProcessOwner } from '../model/listener.js';
import type { ProcessIdentity, ReadIdentity } from '../owners/types.js';
import { isProtectedName } from './kill-guard.js';
import { elevatedKillCommand } from '../model/commands.js';
import { buildTaskkillArgv, interpretTaskkill, type RunTaskkill } from './taskkill.js';

/** The POSIX signals the pipeline sends (0 only tests existence). */
export type KillSignal = 'SIGTERM' | 'SIGKILL';

/** Sends a signal; throws a Node errno error (`ESRCH`, `EPERM`) like `process.kill`. */
export type SendSignal = (pid: number, signal: KillSignal) => void;

/** What sending one signal did. */
export type SignalResult = 'sent' | 'gone' | 'denied' | 'needs-force' | { readonly failed: string };

/**
 * Poll cadence while waiting for an exit: 2, 3, 4.5 … ms, ×1.5 each time, at most 100 ms. A server
 * that obeys SIGTERM is usually gone within tens of ms, and doubling up to 1 s found an exit at
 * 41 ms only at 75 ms (issue 14 item 3: the kill must beat kill-port, which waits for nothing).
 * Each poll reads /proc/<pid>/stat and exe: tens of microseconds, ~60 polls in a 5 s grace.
 */
const FIRST_POLL_MS = 2;
const POLL_GROWTH = 1.5;
const MAX_POLL_MS = 100;

function sameIdentity(now: ProcessIdentity, owner: ProcessOwner): boolean {
  return now.pid === owner.pid && now.startToken === owner.startToken && now.exe === owner.exe;
}

/** What the signaller needs: the one process incarnation it may touch, and the OS seams. */
export interface SignallerOptions {
  readonly owner: ProcessOwner;
  readonly mode: KillMode;
  readonly platform: NodeJS.Platform;
  readonly readIdentity: ReadIdentity;
  readonly sendSignal: SendSignal;
  readonly runTaskkill: RunTaskkill;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The user's Cancel (issue 16 item 3): a wait that sees it stops and answers 'cancelled'. */
  readonly abort?: AbortSignal;
}

/** Signals one process incarnation: identity re-checks, TERM/KILL (or taskkill), waiting for exit. */
export interface Signaller {
  /** Signals sent so far, in order. */
  readonly signals: KillReport['signals'][number][];
  /** ms since the first signal (0 before it). */
  elapsed(): number;
  /** Identity (pid + start token + exe) right before a signal: 'match', 'gone', or why not. */
  recheck(): Promise<'match' | 'gone' | HmError>;
  send(force: boolean): Promise<SignalResult>;
  /** Waits for the exit; 'cancelled' when the user cancelled first (checked every poll, ≤ 100 ms). */
  waitForExit(budgetMs: number, cancellable?: boolean): Promise<'exited' | 'alive' | 'cancelled'>;
}

/** The signalling half of the kill pipeline, for exactly `owner`. */
export function createSignaller(o: SignallerOptions): Signaller {
  const { owner, mode, platform, now, sleep } = o;
  const { pid, startToken } = owner;
  const who = `${owner.name} (pid ${pid})`;
  const deps = { readIdentity: o.readIdentity };
  const sendSignal = o.sendSignal;
  const runTaskkill = o.runTaskkill;
  const signals: KillReport['signals'][number][] = [];
  let firstSignalAt: number | null = null;
  const elapsed = (): number => (firstSignalAt === null ? 0 : Math.max(0, Math.round(now() - firstSignalAt)));

  // Identity re-check right before a signal: 'match', 'gone', or an error to return.
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
  const waitForExit = async (
    budgetMs: number,
    cancellable = true,
  ): Promise<'exited' | 'alive' | 'cancelled'> => {
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
      if (cancellable && o.abort?.aborted === true) return 'cancelled';
      const left = deadline - now();
      if (left <= 0) return 'alive';
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * POLL_GROWTH, MAX_POLL_MS);
    }
  };

  return { signals, elapsed, recheck, send, waitForExit };
}
