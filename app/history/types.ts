import type { Family, Protocol } from '../model/listener.js';

/** Who held a listening socket, as remembered: enough to name it later, never to act on it. */
export interface HistoryOwner {
  /** `process` when the owner was resolved, `unknown` when it was hidden (needs admin, namespace). */
  readonly kind: 'process' | 'unknown';
  readonly pid: number | null;
  /** Process incarnation token (with pid, one process); null when unknown. */
  readonly startToken: string | null;
  readonly startedAt: number | null;
  readonly name: string | null;
  readonly command: string | null;
  readonly cwd: string | null;
  readonly project: string | null;
  readonly user: string | null;
  readonly uid: number | null;
  readonly container: string | null;
  /** For unknown owners: why (`permission`, `other-namespace`…). */
  readonly reason?: string;
}

/** The socket a history event is about: protocol, family, bind address and port. */
export interface HistorySocket {
  readonly protocol: Protocol;
  /** Null when the scanner could not tell the family. */
  readonly family: Family | null;
  readonly address: string;
  readonly port: number;
}

/**
 * One remembered change: a listener appeared (`open`), disappeared (`close`), or the same socket
 * address got another owner (`owner`). `face` says which face saw it (cli, serve, tray).
 */
export interface HistoryEvent extends HistorySocket {
  /** Epoch ms of the scan that saw the change. */
  readonly at: number;
  readonly event: 'open' | 'close' | 'owner';
  readonly owner: HistoryOwner | null;
  readonly face: string;
}

/** Everything the store holds, oldest first, and which period it covers. */
export interface HistoryRead {
  readonly events: readonly HistoryEvent[];
  /** Listeners open at the start of the oldest kept segment (the rotation checkpoint). */
  readonly openAtStart: readonly HistoryEvent[];
  /** Epoch ms of the oldest thing remembered, or null when the history is empty. */
  readonly coversFrom: number | null;
  /** Lines that could not be read (a torn last line after a crash); they are skipped. */
  readonly skippedLines: number;
}
