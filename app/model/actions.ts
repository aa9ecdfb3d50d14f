import type { Family, Listener, Protocol } from './listener.js';

/** graceful: SIGTERM (Windows: taskkill without /F); force: SIGKILL (taskkill /F) if graceful fails. */
export type KillMode = 'graceful' | 'force';

/**
 * What a kill really achieved, checked by re-scanning:
 * - `freed`: the process is gone and nothing listens on the port any more;
 * - `still-running`: it ignored the signal within the grace period (offer force);
 * - `restarted`: it exited but a new process (a supervisor's respawn?) holds the port again;
 * - `still-held`: it exited but another, pre-existing process still holds the port;
 * - `already-gone`: the process had exited before we signalled;
 * - `permission-denied`: the OS refused; `command` is the elevated command to copy.
 */
export type KillOutcome =
  'freed' | 'still-running' | 'restarted' | 'still-held' | 'already-gone' | 'permission-denied';

/** A short owner description for reports. */
export interface OwnerSummary {
  readonly pid: number;
  readonly name: string;
  readonly command: string;
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
