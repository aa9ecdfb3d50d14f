import type { Family, Protocol } from './listener.js';

/**
 * The answer to "why can't I connect?" (issue 13) as every face sees it: the CLI prints it, the
 * contract's `why` method carries it to the window. Isomorphic: no Node imports, so the renderer
 * can type it. The engine that fills it lives in app/why/.
 */

/** What the user asked to reach: `3000`, `localhost:3000`, `[::1]:3000`, `http://localhost:3000/x`. */
export interface WhyTarget {
  /** The text as typed (for messages only; may be untrusted). */
  readonly input: string;
  /** The host as typed, lower-case, brackets removed; `localhost` when only a port was given. */
  readonly host: string;
  /** True when the host is a name (resolved like a client would), false for an IP literal. */
  readonly isName: boolean;
  readonly port: number;
  /** The URL scheme when a URL was given: then "answers as asked" means an HTTP(S) response. */
  readonly scheme: 'http' | 'https' | null;
  /** The URL path and query (`/` by default). */
  readonly path: string;
}

/** What one address did when asked: the four outcomes, plus unreachable/other errors. */
export type AttemptResult = 'refused' | 'timed-out' | 'accepted-silent' | 'answered' | 'error';

/** The outcome of trying one address the way the client would. */
export interface Attempt {
  readonly address: string;
  readonly family: 4 | 6;
  readonly result: AttemptResult;
  readonly ms: number;
  /** HTTP status and page title when an HTTP(S) answer came back. */
  readonly status?: number;
  readonly title?: string;
  /** The scheme the server really speaks, when it differs from the one asked. */
  readonly speaks?: 'http' | 'https' | 'other';
  /** A short, cleaned description (an error code, the first line of a non-HTTP answer). */
  readonly detail?: string;
}

/**
 * Stable ids of the findings. `container-*` are the containers issue's findings: a producer added
 * to the engine's list is all it takes.
 */
export type FindingId =
  | 'nothing-listening'
  | 'family-mismatch'
  | 'wrong-address'
  | 'wrong-protocol'
  | 'stopped-holder'
  | 'accept-queue-full'
  | 'firewall'
  | 'firewall-unreadable'
  | 'scheme-mismatch'
  | 'http-error-status'
  | 'other-owner'
  | 'history'
  | 'dynamic-range'
  | 'resolution'
  | 'container-not-published'
  | 'container-loopback-only'
  | 'container-stopped';

/** One cause (or fact worth knowing), with what was measured, what it means, and what to do. */
export interface Finding {
  readonly id: FindingId;
  /** 0–100: how likely this explains the failure; findings are shown highest first. */
  readonly likelihood: number;
  readonly title: string;
  readonly evidence: readonly string[];
  readonly meaning: string;
  readonly fix: readonly string[];
}

/** The answer to "why can't I connect?". */
export interface Diagnosis {
  readonly target: WhyTarget;
  /** True when the target is reachable and answers as asked (exit code 0). */
  readonly reachable: boolean;
  /** One line: the answer. */
  readonly verdict: string;
  readonly findings: readonly Finding[];
  /** What the host name resolved to, in the order a client gets it (null for an IP literal). */
  readonly resolved: readonly { readonly address: string; readonly family: 4 | 6 }[] | null;
  /** One attempt per address a client would try, in that order. */
  readonly attempts: readonly Attempt[];
  /** Which period the port history covers (epoch ms), or null when it is empty, off or unreadable. */
  readonly historyFrom: number | null;
  /** Why the history was not consulted: {@link HISTORY_OFF_NOTE}, or why it could not be read. */
  readonly historyNote: string | null;
  readonly elapsedMs: number;
}

/** What every face says when the port history is off, and how to turn it on. */
export const HISTORY_OFF_NOTE =
  'Port history is off (HARBORMASTER_HISTORY=off), so who held a port before is not known. To turn it on, start Harbormaster without HARBORMASTER_HISTORY=off.';

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

/** One port's remembered changes, for the details pane (`portHistory`). */
export interface PortHistory {
  readonly port: number;
  /** Newest first, at most `limit` of them. */
  readonly events: readonly HistoryEvent[];
  /** How many events the port has in the kept history (more than `events` when cut). */
  readonly total: number;
  /** Epoch ms of the oldest thing remembered, or null when the history is empty or off. */
  readonly coversFrom: number | null;
  /** Why there is no history (recording off, not readable); null when it was read. */
  readonly note: string | null;
}
