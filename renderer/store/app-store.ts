import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionState, VersionInfo } from '../../app/contract/api.js';
import type { LookupResult } from '../../app/model/actions.js';
import type { Diagnosis, PortHistory } from '../../app/model/diagnosis.js';
import type { HmError } from '../../app/model/errors.js';
import type { Health } from '../../app/model/health.js';
import type { Listener } from '../../app/model/listener.js';
import { DEFAULT_SETTINGS, type Settings } from '../../app/model/settings.js';
import type { Snapshot, Viewer } from '../../app/model/snapshot.js';
import type { KillReport } from '../../app/model/actions.js';
import type { Grouping } from './derive.js';

/** How long an appeared row stays highlighted and a vanished row lingers greyed out. */
export const TRANSIENT_MS = 1500;
/** Health values kept per listener for the details pane. */
export const HEALTH_HISTORY = 12;

/** The kill flow: confirm → running → result (a report or a refusal), or the admin command. */
export type KillFlow =
  | {
      readonly phase: 'confirm';
      readonly listener: Listener;
      /** SIGTERM already failed for this incarnation (pid + start token): offer SIGKILL at once. */
      readonly termFailedAt: number | null;
    }
  /** An owner Harbormaster may not signal (unknown, or another user's): the command to copy. */
  | {
      readonly phase: 'elevate';
      readonly listener: Listener;
      readonly reason: string;
      readonly command: string;
    }
  | {
      readonly phase: 'running';
      readonly listener: Listener;
      readonly mode: 'graceful' | 'force';
      /** Bumped per request, so a cancelled wait's late answer is told apart from the current one. */
      readonly attempt: number;
      /** The id the core knows this kill by: Cancel sends it (`cancelKill`) to stop the wait. */
      readonly killId: string;
    }
  | {
      readonly phase: 'result';
      readonly listener: Listener;
      readonly report: KillReport | null;
      readonly error: HmError | null;
    };

/** `pid:startToken`: one process incarnation (a recycled pid is another key). */
export function incarnationKey(pid: number, startToken: string): string {
  return `${pid}:${startToken}`;
}

/** A watched port seen going down while this window watched: when, and what held it. */
export interface DownWatch {
  readonly since: number;
  /** The listener that held it last (its owner is what the user recognises). */
  readonly last: Listener | null;
}

/** The "is port N free" lookup for the search box. */
export type LookupState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly port: number }
  | { readonly status: 'done'; readonly port: number; readonly result: LookupResult }
  | { readonly status: 'failed'; readonly port: number; readonly error: HmError };

/** "Why can't I connect?" for the lookup pane (issue 13), keyed by the target as typed. */
export type WhyState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly target: string }
  | { readonly status: 'done'; readonly target: string; readonly diagnosis: Diagnosis }
  | { readonly status: 'failed'; readonly target: string; readonly error: HmError };

/** One port's remembered history for the details pane. */
export type PortHistoryState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly port: number }
  | { readonly status: 'done'; readonly port: number; readonly history: PortHistory }
  | { readonly status: 'failed'; readonly port: number; readonly error: HmError };

/** A short message at the bottom (copied, opened, failed). */
export interface Toast {
  readonly id: number;
  readonly text: string;
  readonly tone: 'ok' | 'bad' | 'info';
  /** One follow-up the user may choose, e.g. "Open anyway" after a refusal that said why. */
  readonly action?: { readonly label: string; readonly run: () => void };
}

/** What the user can do; implemented by connect-api.ts (the one module that talks to the API). */
export interface AppActions {
  setQuery(query: string): void;
  setGrouping(grouping: Grouping): void;
  setShowOtherUsers(show: boolean): void;
  setShowSystem(show: boolean): void;
  setCurrentUser(user: string | null): void;
  select(id: string | null): void;
  moveSelection(delta: number | 'first' | 'last'): void;
  setDetailsOpen(open: boolean): void;
  /** Opens a listener in the browser; `anyway` after the user read why it was refused. */
  open(id: string, options?: { readonly anyway?: boolean }): void;
  copy(id: string, what: 'url' | 'curl' | 'pid'): void;
  copyText(text: string, label: string): void;
  requestKill(id: string): void;
  confirmKill(mode: 'graceful' | 'force'): void;
  /** Closes the dialog; while a kill runs, stops waiting (the core finishes; a toast tells how). */
  closeKill(): void;
  /** Restarts the container behind a container-held port through the core (issue 10). */
  restartContainer(id: string): void;
  checkHealth(id: string): void;
  toggleWatch(port: number): void;
  /** Watches (or stops watching) every listener of a project: notified when none is left, and back. */
  toggleWatchProject(project: string): void;
  /** Pins a port (listed first, "down" when free) with an optional label; `pinned` false unpins. */
  setPin(port: number, pinned: boolean, label?: string | null): void;
  /** Saves the added and pinned ssh hosts (Hosts section); resolves to the refusal's text or null. */
  saveHosts(hosts: readonly string[], pinnedHosts: readonly string[]): Promise<string | null>;
  dismissToast(): void;
  /** Pauses or resumes scanning (the list then stops updating; its age keeps counting). */
  setPaused(paused: boolean): void;
  /**
   * Selects a listener, brings it into the list and opens its details (window route `#focus=`).
   * Waits for the first snapshot if none has arrived; an id that is not listening only says so.
   */
  focusListener(id: string): void;
  /** Asks the core why `target` (a port, host:port or URL) cannot be reached; shown in the lookup pane. */
  diagnose(target: string): void;
  /** Loads one port's remembered history (details pane). */
  loadPortHistory(port: number): void;
}

/** The renderer's only state. */
export interface AppState {
  /** `loading` until the first snapshot arrives; `error` if even that failed. */
  readonly phase: 'loading' | 'ready' | 'error';
  readonly loadError: string | null;
  /** The latest applied snapshot (for seq, status, notes, stale, source). */
  readonly snapshot: Snapshot | null;
  /** The listeners, reusing the previous object for every unchanged one (memoized rows). */
  readonly listeners: readonly Listener[];
  readonly byId: ReadonlyMap<string, Listener>;
  readonly connection: ConnectionState;
  /** Why the transport cannot work at all (e.g. no token in the address). */
  readonly transportProblem: string | null;
  readonly settings: Settings;
  /** The core's version, once it answered `getVersion` (shown on the brand line). */
  readonly version: VersionInfo | null;
  readonly query: string;
  readonly grouping: Grouping;
  /**
   * Who the core runs as (snapshot.viewer), kept as one object while it does not change, so
   * memoized rows can take it as a prop: every face words unreadable owners for it (root is never
   * told to get admin rights).
   */
  readonly viewer: Viewer | null;
  /** The user treated as "me" (guessed from the snapshot unless chosen). */
  readonly currentUser: string | null;
  readonly currentUserChosen: boolean;
  readonly selectedId: string | null;
  readonly detailsOpen: boolean;
  /** Listener id → time until which it is highlighted as new. */
  readonly fresh: ReadonlyMap<string, number>;
  /** Vanished listeners shown greyed out until `until`. */
  readonly ghosts: ReadonlyMap<string, { readonly listener: Listener; readonly until: number }>;
  readonly healthHistory: ReadonlyMap<string, readonly Health[]>;
  readonly lookup: LookupState;
  readonly why: WhyState;
  readonly portHistory: PortHistoryState;
  readonly kill: KillFlow | null;
  /** Incarnations (`incarnationKey`) whose SIGTERM this window saw fail, and when. */
  readonly termFailed: ReadonlyMap<string, number>;
  /**
   * Incarnations this window asked to kill: once one exits, a socket the scan still lists for a
   * moment has no readable owner; it is shown as the fading row of its last known owner instead.
   */
  readonly killed: ReadonlySet<string>;
  /** Watched ports seen going down (port → when and what held it); cleared when back or unwatched. */
  readonly downWatched: ReadonlyMap<number, DownWatch>;
  readonly toast: Toast | null;
  /** A clock for uptimes, refreshed every few seconds. */
  readonly now: number;
  /** A pause/resume request is on its way. */
  readonly pausePending: boolean;
  /** A row shown whatever the scope toggles say, because a route asked for it. */
  readonly revealId: string | null;
  /** A `#focus=` route that arrived before the first snapshot. */
  readonly pendingFocusId: string | null;
  readonly actions: AppActions;
}

/** Scanning is paused: read from the snapshot, the only pause state (a tray or CLI pause included). */
export const isPaused = (s: AppState): boolean => s.snapshot?.paused === true;

/** The zustand store type. */
export type AppStore = StoreApi<AppState>;

const noop = (): void => undefined;
const NO_ACTIONS: AppActions = {
  setQuery: noop,
  setGrouping: noop,
  setShowOtherUsers: noop,
  setShowSystem: noop,
  setCurrentUser: noop,
  select: noop,
  moveSelection: noop,
  setDetailsOpen: noop,
  open: noop,
  copy: noop,
  copyText: noop,
  requestKill: noop,
  confirmKill: noop,
  closeKill: noop,
  restartContainer: noop,
  checkHealth: noop,
  toggleWatch: noop,
  toggleWatchProject: noop,
  setPin: noop,
  saveHosts: () => Promise.resolve(null),
  dismissToast: noop,
  setPaused: noop,
  focusListener: noop,
  diagnose: noop,
  loadPortHistory: noop,
};

/** A fresh store in its loading state (actions are installed by connectApi). */
export function createAppStore(now: number = Date.now()): AppStore {
  return createStore<AppState>()(() => ({
    phase: 'loading',
    loadError: null,
    snapshot: null,
    listeners: [],
    byId: new Map(),
    connection: 'connecting',
    transportProblem: null,
    settings: DEFAULT_SETTINGS,
    version: null,
    query: '',
    // Flat by default: it fits the most rows in the popover (renderer/store/grouping-fit.test.ts).
    grouping: 'flat',
    viewer: null,
    currentUser: null,
    currentUserChosen: false,
    selectedId: null,
    detailsOpen: false,
    fresh: new Map(),
    ghosts: new Map(),
    healthHistory: new Map(),
    lookup: { status: 'idle' },
    why: { status: 'idle' },
    portHistory: { status: 'idle' },
    kill: null,
    termFailed: new Map(),
    killed: new Set(),
    downWatched: new Map(),
    toast: null,
    now,
    pausePending: false,
    revealId: null,
    pendingFocusId: null,
    actions: NO_ACTIONS,
  }));
}
