import type { Diagnosis, PortHistory } from '../model/diagnosis.js';
import type { Health } from '../model/health.js';
import type { KillMode, KillReport, LookupResult, OpenResult } from '../model/actions.js';
import type { ContainerActionReport } from '../model/container.js';
import type { Result } from '../model/errors.js';
import type { Settings } from '../model/settings.js';
import type {
  ForwardView,
  RemoteHostList,
  RemoteHostView,
  RemoteOpenResult,
  TrustOutcome,
  TrustQuestion,
} from '../model/remote-host.js';
import type { RemoteKillReport } from '../model/remote-kill.js';
import type { Snapshot } from '../model/snapshot.js';

/** Identifies a listener and the process incarnation the user saw (pid + start token). */
export interface KillRequest {
  readonly listenerId: string;
  readonly pid: number;
  readonly startToken: string;
  readonly mode: KillMode;
  /**
   * With `mode: 'force'`: this window already saw SIGTERM fail for this same incarnation (pid +
   * start token), so SIGKILL goes first, right after the same identity and still-holds re-check,
   * with no second SIGTERM and no second grace period (issue 16 item 3).
   */
  readonly afterFailedTerm?: boolean;
  /**
   * A token the caller chose for this kill, so `cancelKill` can stop its waiting (issue 16 item 3):
   * after a cancel no further signal is sent (no SIGKILL after the grace period) and the report's
   * outcome is `cancelled`, with the process's state as re-scanned.
   */
  readonly killId?: string;
}

/** Cancels the waiting of a kill started with this `killId`. */
export interface CancelKillRequest {
  readonly killId: string;
}

/** Asks for a listener by id. */
export interface ListenerRequest {
  readonly listenerId: string;
}

/** Asks for a health check of one listener. */
export interface CheckHealthRequest {
  readonly listenerId: string;
  /**
   * One of many listeners checked at once (`list --health`): the background policy applies, HTTP
   * only to web-looking owners. Absent or false: the user named this listener, so HTTP may follow a
   * silent banner wait (docs/SECURITY.md#probe-policy).
   */
  readonly bulk?: boolean;
}

/** Asks to open one listener in the browser. */
export interface OpenRequest {
  readonly listenerId: string;
  /**
   * The user was told the listener does not answer HTTP and chose to open it anyway (`open
   * --anyway`, an "Open anyway" button). Without it, only what answered HTTP(S) is opened.
   */
  readonly anyway?: boolean;
  /**
   * `false`: verify and answer the URL without launching anything; the caller (the page in
   * browser mode, where the serve machine's `xdg-open` would open nothing the user sees) opens
   * the returned URL itself. Default true: the core hands it to the platform opener.
   */
  readonly launch?: boolean;
}

/** Asks about a port number. */
export interface PortRequest {
  readonly port: number;
}

/** Asks why a connection fails (issue 13): `3000`, `localhost:3000`, `[::1]:3000` or an http(s) URL. */
export interface WhyRequest {
  /** The target as the user typed or pasted it; the core parses it (this machine only). */
  readonly target: string;
  /** How long to wait for a connection or an answer (default 2000 ms). */
  readonly timeoutMs?: number;
}

/** Asks for one port's remembered history. */
export interface PortHistoryRequest {
  readonly port: number;
  /** At most this many events, newest first (default 50). */
  readonly limit?: number;
}

/** Names one host of the user's ssh config (issue 15). */
export interface HostRequest {
  readonly alias: string;
  /** Read the host's current view without opening it (the tray reading a pinned host). */
  readonly peek?: boolean;
}

/** Opens one remote TCP listener through a managed forward (issue 15). */
export interface RemoteOpenRequest {
  readonly alias: string;
  readonly port: number;
  /** `false`: create the forward and answer the URL; the page opens it (browser mode). */
  readonly launch?: boolean;
}

/** Starts "Trust this host…" for a host stopped on an unknown key (issue 15). */
export interface TrustBeginRequest {
  readonly alias: string;
}

/** The user's answer to the host-key question `beginTrust` returned. */
export interface TrustAnswerRequest {
  readonly id: string;
  readonly accept: boolean;
}

/** Closes one managed forward by id, or every one with `all`. */
export interface CloseForwardsRequest {
  readonly id: number | 'all';
}

/**
 * Kills the holder of a remote listener the user confirmed (issue 15): the identity they saw. One
 * remote invocation re-checks all of it (same pid, same start time, same uid, still holds the
 * socket) right before `kill -TERM`, then waits and re-scans (app/remote/kill-script.ts).
 */
export interface RemoteKillRequest {
  readonly alias: string;
  readonly port: number;
  readonly pid: number;
  /** `/proc/PID/stat` field 22 as the listing showed it. */
  readonly startTicks: string;
  readonly uid: number;
  /** The listening socket's inode as the listing showed it. */
  readonly inode: string;
}

/** What `getVersion` answers: the running package and the contract it speaks. */
/**
 * Stop or restart a running container through the Engine API (issue 10): the primary action for a
 * port that docker-proxy, dockerd or another engine helper holds. `container` is the id (the faces
 * send the full id from the snapshot: ids are never reused, so the request cannot hit another
 * container) or, for scripts, a name.
 */
export interface ContainerActionRequest {
  readonly container: string;
  readonly action: 'stop' | 'restart';
}

export interface VersionInfo {
  /** The package version (`package.json` "version"). */
  readonly app: string;
  /** The contract version: bumped when a method, request or push changes incompatibly. */
  readonly contract: number;
}

/** Transport state as the renderer sees it. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The one API every face implements or consumes: the Electron preload object, the browser-mode
 * WebSocket client and the main/serve handlers all `satisfies` it. The renderer never sees
 * `send`/`invoke`/`on`, and never passes a URL or a command: only listener ids, ports and pids.
 */
export interface HarbormasterApi {
  /** The latest snapshot (scans once if none yet). */
  getSnapshot(): Promise<Snapshot>;
  /** Pushes every new snapshot (seq increasing). Returns an unsubscribe function. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  /** Transport state changes (Electron: always `open`). Returns an unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Who holds a port, whether it is free, and the next free port. */
  lookup(request: PortRequest): Promise<Result<LookupResult>>;
  /** Probes one listener now (on request unless `bulk`: HTTP is then allowed unless never-HTTP). */
  checkHealth(request: CheckHealthRequest): Promise<Result<Health>>;
  /** Runs the safe kill pipeline and reports the verified outcome. */
  kill(request: KillRequest): Promise<Result<KillReport>>;
  /**
   * Stops a running kill's wait (by its `killId`): it sends nothing more and answers `cancelled`.
   * `cancelled: false` when no kill with that id is running (it already finished, or never was).
   */
  cancelKill(request: CancelKillRequest): Promise<Result<{ readonly cancelled: boolean }>>;
  /**
   * Opens the listener's URL (built by the core) in the default browser, only when its last probe
   * (made now if there is none) saw HTTP(S), unless `anyway`; otherwise `NOT_HTTP` says what it
   * answered.
   */
  open(request: OpenRequest): Promise<Result<OpenResult>>;
  /** Stops or restarts a container via the Engine API, then verifies its ports (never a signal). */
  containerAction(request: ContainerActionRequest): Promise<Result<ContainerActionReport>>;
  /** Pauses or resumes scanning. */
  setPaused(request: { readonly paused: boolean }): Promise<Result<{ readonly paused: boolean }>>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Result<Settings>>;
  /**
   * Why can't I connect? Resolves and tries the target like a client, gathers the facts and
   * answers a verdict plus findings (most likely first). Bad input is `INVALID_PORT` /
   * `INVALID_REQUEST` (another machine included).
   */
  why(request: WhyRequest): Promise<Result<Diagnosis>>;
  /** Who held a port and when, from the shared port history (newest first). */
  portHistory(request: PortHistoryRequest): Promise<Result<PortHistory>>;
  /** Which Harbormaster the face is talking to (the core's version, not the window's). */
  getVersion(): Promise<VersionInfo>;
  /** The concrete hosts of the user's ssh config (nothing is connected or polled). */
  listHosts(): Promise<RemoteHostList>;
  /**
   * Opens a host section: starts polling that host over the system ssh (if not yet) and answers
   * its current state and listeners. Collapsed hosts are never polled.
   */
  getHost(request: HostRequest): Promise<Result<RemoteHostView>>;
  /** Collapses a host section: its polling stops (unless pinned); its forwards stay. */
  collapseHost(request: HostRequest): Promise<Result<{ readonly polling: boolean }>>;
  /**
   * Forwards a remote listener of an opened host to 127.0.0.1 (and ::1), probes the scheme through
   * the forward, and opens the local URL (unless `launch: false`).
   */
  openRemote(request: RemoteOpenRequest): Promise<Result<RemoteOpenResult>>;
  /** Every managed forward with its status. */
  listForwards(): Promise<readonly ForwardView[]>;
  /** Closes one forward, or all of them. */
  closeForwards(request: CloseForwardsRequest): Promise<Result<{ readonly closed: number }>>;
  /**
   * Kills a remote listener's holder after the user confirmed it (opened or pinned hosts only):
   * re-checked remotely in the same invocation, never sudo; a denial carries the command to run.
   */
  killRemote(request: RemoteKillRequest): Promise<Result<RemoteKillReport>>;
  /**
   * The user pressed "Trust this host…" on a host stopped for an unknown key (never a changed
   * one): one foreground ssh asks its host-key question through the app's SSH_ASKPASS helper, and
   * this answers that question once its fingerprint matched the one the failed poll reported.
   * ssh waits (at most 60 s) for `answerTrust`; nothing is trusted without it.
   */
  beginTrust(request: TrustBeginRequest): Promise<Result<TrustQuestion>>;
  /** Answers the pending host-key question (`accept: false` leaves known_hosts untouched). */
  answerTrust(request: TrustAnswerRequest): Promise<Result<TrustOutcome>>;
}

// The method table (channels, result kinds, retry), the generic client and the event channels
// live in methods.ts; the schemas in schemas.ts; the generic server half in dispatch.ts.
