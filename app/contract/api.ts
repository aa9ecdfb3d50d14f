import type { Health } from '../model/health.js';
import type { KillMode, KillReport, LookupResult, OpenResult } from '../model/actions.js';
import type { Result } from '../model/errors.js';
import type { Settings } from '../model/settings.js';
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

/** What `getVersion` answers: the running package and the contract it speaks. */
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
   * Opens the listener's URL (built by the core) in the default browser, only when its last probe
   * (made now if there is none) saw HTTP(S), unless `anyway`; otherwise `NOT_HTTP` says what it
   * answered.
   */
  open(request: OpenRequest): Promise<Result<OpenResult>>;
  /** Pauses or resumes scanning. */
  setPaused(request: { readonly paused: boolean }): Promise<Result<{ readonly paused: boolean }>>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Result<Settings>>;
  /** Which Harbormaster the face is talking to (the core's version, not the window's). */
  getVersion(): Promise<VersionInfo>;
}

// The method table (channels, result kinds, retry), the generic client and the event channels
// live in methods.ts; the schemas in schemas.ts; the generic server half in dispatch.ts.
