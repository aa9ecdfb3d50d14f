import type { Family, Listener, Protocol, ProcessOwner } from './listener.js';
import { sameProcess } from './same-listener.js';

/** graceful: SIGTERM (Windows: taskkill without /F); force: SIGKILL (taskkill /F) if graceful fails. */
export type KillMode = 'graceful' | 'force';

/**
 * What a kill really achieved, checked by re-scanning:
 * - `freed`: the process is gone and nothing listens on the port any more;
 * - `still-running`: it ignored the signal within the grace period (offer force);
 * - `restarted`: it exited and its supervisor started it again: `restartedBy` says which process
 *   and the evidence (a known supervisor, or the same parent respawning the same command);
 * - `replaced`: it exited and a new process, with no evidence of a restart, now holds the port;
 * - `still-held`: it exited but another, pre-existing process still holds the port;
 * - `already-gone`: the process had exited before we signalled;
 * - `permission-denied`: the OS refused; `command` is the elevated command to copy.
 */
export type KillOutcome =
  | 'freed'
  | 'still-running'
  | 'restarted'
  | 'replaced'
  | 'still-held'
  | 'already-gone'
  | 'permission-denied'
  /** The user cancelled while the pipeline waited: nothing more was sent; the report says what is left. */
  | 'cancelled';

/** A short owner description for reports. */
export interface OwnerSummary {
  readonly pid: number;
  readonly name: string;
  readonly command: string;
}

/**
 * What became of one listener the process held: `freed` (nothing listens on that exact
 * protocol/address/port), `still-held` (the killed process still holds it), or `rebound`
 * (another process holds it now: `heldBy`).
 */
export type ListenerFateKind = 'freed' | 'still-held' | 'rebound';

/** One listener the killed process (and its forked group) held, and what became of it. */
export interface ListenerFate {
  readonly protocol: Protocol;
  readonly family: Family | null;
  readonly address: string;
  readonly port: number;
  readonly fate: ListenerFateKind;
  readonly heldBy: OwnerSummary | null;
}

/** Why a new holder is called a restart: the evidence, never a guess. */
export interface RestartEvidence {
  /** The parent that started the new holder. */
  readonly pid: number;
  readonly name: string;
  /**
   * `known-supervisor`: the parent is a service manager or supervisor by name (systemd, launchd,
   * pm2, nodemon, supervisord, runsv, s6-supervise, containerd-shim, services.exe);
   * `respawned`: the same parent started the same executable with the same arguments again.
   */
  readonly evidence: 'known-supervisor' | 'respawned';
}

/** The listeners a confirmation must name: every one this process incarnation holds. */
export function listenersHeldBy(
  listeners: readonly Listener[],
  owner: Pick<ProcessOwner, 'pid' | 'startToken'>,
): Listener[] {
  return listeners.filter((l) => sameProcess(l.owner, owner));
}

/** The truthful result of a kill. */
export interface KillReport {
  readonly outcome: KillOutcome;
  readonly pid: number;
  readonly port: number;
  readonly protocol: Protocol;
  readonly signals: readonly ('SIGTERM' | 'SIGKILL' | 'taskkill' | 'taskkill /F')[];
  /** From the first signal to the verified result, ms. */
  readonly elapsedMs: number;
  /** Who holds the port now, when someone does. */
  readonly heldBy: OwnerSummary | null;
  /** Set only for `restarted`: who restarted it and why we say so. */
  readonly restartedBy: RestartEvidence | null;
  /**
   * Every listener the process held when it was signalled (the confirmed one first), each with
   * its fate after the kill: killing nginx on 80 also frees 8081 and 8443.
   */
  readonly listeners: readonly ListenerFate[];
  /** A copyable command (elevated kill) when we could not do it. */
  readonly command: string | null;
  /** One human sentence saying what happened. */
  readonly message: string;
  /** Set when the port belonged to a container and the container was stopped instead (issue 10). */
  readonly container?: {
    readonly id: string;
    readonly name: string;
    readonly image: string;
    readonly composeProject: string | null;
    readonly restartPolicy: string;
  };
}

/** The answer to "who holds port N / is it free?". */
export interface LookupResult {
  readonly port: number;
  /** Listeners on that port in the current snapshot (any protocol/family/address). */
  readonly holders: readonly Listener[];
  /** True when nothing is listed and a bind test on every family succeeded. */
  readonly free: boolean;
  /** Per protocol/family bind-test results when nothing was listed. */
  readonly bindTests: readonly {
    readonly protocol: Protocol;
    readonly family: Family;
    readonly free: boolean;
    readonly code?: string;
  }[];
  /** The next port ≥ N that is free on TCP v4 and v6, or null if none up to 65535. */
  readonly nextFree: number | null;
}

/** The result of "open": the URL that was handed to the platform opener. */
export interface OpenResult {
  readonly url: string;
}
