import type { Result } from '../model/errors.js';
import type { ProcessOwner } from '../model/listener.js';

/**
 * The identity of a process incarnation: pid + start token + executable. Re-read right before
 * every signal; a mismatch with what the user saw means the pid was reused (PROCESS_CHANGED).
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startToken: string;
  readonly exe: string | null;
  readonly name: string;
}

/** Reads a process identity now: ESRCH when gone, EPERM when unreadable. */
export type ReadIdentity = (pid: number) => Promise<Result<ProcessIdentity>>;

/** Resolves pids to full owners (cached by pid + start token). */
export interface OwnerResolver {
  /** Resolves many pids at once; pids that vanished or are unreadable map to an error value. */
  resolve(pids: readonly number[]): Promise<Map<number, Result<ProcessOwner>>>;
  readIdentity: ReadIdentity;
  /** User name for a uid, when the platform can tell (for sockets whose owner is unknown). */
  userName?(uid: number): string | null;
  /** Forgets cached owners of pids not in `alive`. */
  prune?(alive: ReadonlySet<number>): void;
}
