import type { Health } from './health.js';
import type { Exposure, Family, Protocol } from './listener.js';

/**
 * Remote hosts as every face sees them (issue 15): isomorphic types, shared by the core
 * (app/remote), the contract and the window.
 */

/** Per-host states: a failed host is never shown as "no ports". */
export type HostState =
  | 'connecting'
  | 'ok'
  | 'unreachable'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'unsupported-os'
  | 'disconnected'
  | 'refused-alias'
  | 'failed';

/** Why a host is not `ok`, as the user sees it. */
export interface HostFailure {
  readonly state: Exclude<HostState, 'ok' | 'connecting'>;
  readonly message: string;
  /** A command the user can copy (`ssh ALIAS` to verify a host key). */
  readonly command?: string;
  /** The server's host key fingerprint, when ssh showed it. */
  readonly fingerprint?: string;
}

/** The process that holds a remote socket, as its /proc (or lsof + ps) showed it. All text is cleaned. */
export interface RemoteHolder {
  readonly pid: number;
  /**
   * `/proc/PID/stat` field 22: with the pid, one process incarnation (kill re-check). In an lsof
   * listing, which has no such field, the UTC `ps` start time as `YYYYMMDDhhmmss`.
   */
  readonly startTicks: string;
  readonly uid: number | null;
  readonly user: string | null;
  readonly name: string;
  readonly command: string;
  readonly cwd: string | null;
  /** Start time in ms since the epoch, when the remote's boot time was known (CLK_TCK 100). */
  readonly startedAt: number | null;
}

/** One listening socket on a remote host, its holder resolved from the remote's /proc. */
export interface RemoteListener {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  readonly exposure: Exposure;
  /** The socket inode; `0` in an lsof listing (lsof's portable fields carry no socket id). */
  readonly inode: string;
  /**
   * Socket owner uid (the /proc/net uid column): known even when the holder is hidden. In an lsof
   * listing, the holding process's uid as lsof printed it.
   */
  readonly socketUid: number;
  /** Every pid holding the socket (forked workers share one), lowest first; empty when hidden. */
  readonly pids: readonly number[];
  readonly holder: RemoteHolder | null;
  /**
   * `lsof` when the remote has no /proc/net and was listed with `lsof -F` + `ps` (macOS, the
   * BSDs); absent for the procfs listing. A remote kill re-checks these with ps and lsof.
   */
  readonly listedBy?: 'lsof';
  /** The remote's own health probe of it: only on the agent path (`harbormaster agent --stdio`). */
  readonly health?: Health;
}

/**
 * How a host is listed: `agent` (a remote `harbormaster agent --stdio` of our major version
 * answers the contract: health probes and the full kill pipeline run there) or `script` (the
 * POSIX sh listing, nothing installed).
 */
export type HostVia = 'agent' | 'script';

/** The hosts of the user's ssh config, for the collapsed Hosts section. */
export interface RemoteHostList {
  /** The config file read. */
  readonly config: string;
  readonly hosts: readonly {
    readonly alias: string;
    /** Added in settings (removable there), not found in the ssh config. */
    readonly added?: boolean;
    /** Pinned: polled and in the tray while collapsed. */
    readonly pinned?: boolean;
    /** Its window section is open now. */
    readonly opened?: boolean;
  }[];
  /** Host names refused by the alias rule (shown, never used). */
  readonly refused: readonly { readonly name: string; readonly reason: string }[];
}

/** One opened host: its state and, when ok, its listeners. */
export interface RemoteHostView {
  readonly alias: string;
  readonly state: HostState;
  readonly failure: HostFailure | null;
  readonly listeners: readonly RemoteListener[] | null;
  readonly durationMs: number | null;
  readonly forwardsBroken: boolean;
  readonly nextRetryMs: number | null;
  /**
   * The remote login's uid as the listing script printed it (its own /proc/self/status, or `id -u`
   * without /proc): who read the remote's processes, so root there is never told to get admin.
   * Null or absent when not known.
   */
  readonly viewerUid?: number | null;
  /** Which path the last snapshot came through (absent before the first one). */
  readonly via?: HostVia;
  /** Why the agent path is not used (not on PATH, another major version…), cleaned. */
  readonly agentNote?: string;
}

/** A managed forward as every face lists it. */
export interface ForwardView {
  readonly id: number;
  readonly alias: string;
  readonly localPort: number;
  readonly remotePort: number;
  /** "remote 8080 → local 8081". */
  readonly mapping: string;
  readonly binds: readonly string[];
  /** The local URL, with the scheme learned from a probe through the forward (null: not HTTP). */
  readonly url: string | null;
  /**
   * `ok`; `remote listener gone` (cancelled, so the local port refuses at once); `host disconnected`
   * (its master is down, restored on reconnect).
   */
  readonly status: 'ok' | 'remote listener gone' | 'host disconnected';
  readonly createdAt: number;
}

/** What opening a remote listener did: the forward, and whether the URL was handed to a browser. */
export interface RemoteOpenResult {
  readonly forward: ForwardView;
  /** The URL opened (or to open, with `launch: false`); null when nothing answered HTTP(S). */
  readonly url: string | null;
  readonly launched: boolean;
}

/**
 * The host-key question ssh asked during "Trust this host…", held open until the user answers
 * (docs/SECURITY.md, Remote hosts). Both fingerprints are shown; the core already checked they match.
 */
export interface TrustQuestion {
  /** Names this pending question for `answerTrust`. */
  readonly id: string;
  readonly alias: string;
  /**
   * The host as ssh's question names it (`name (address)`, cleaned): through a ProxyJump it may be
   * the jump host, whose key ssh asks about first, so the dialog shows it.
   */
  readonly host: string;
  /** The fingerprint in ssh's own prompt (`SHA256:…`). */
  readonly fingerprint: string;
  /** The fingerprint the failed background poll reported. */
  readonly reportedFingerprint: string;
  /** ssh's prompt, cleaned (line breaks kept). */
  readonly prompt: string;
  /** When the question is refused without an answer (ms since the epoch). */
  readonly expiresAt: number;
}

/** What answering the host-key question did. */
export interface TrustOutcome {
  readonly alias: string;
  readonly answer: 'yes' | 'no';
  /** ssh said it added the key to known_hosts. */
  readonly recorded: boolean;
  /** One sentence for the user. */
  readonly message: string;
  /** Other prompts ssh raised (a passphrase…), answered no and never shown as input fields. Cleaned. */
  readonly refusedPrompts: readonly string[];
}
