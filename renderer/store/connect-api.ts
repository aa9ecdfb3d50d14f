import type { HarbormasterApi } from '../../app/contract/api.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import type { PageFaculties } from '../api/browser-page.js';
import { describeOwner } from '../format/describe.js';
import { cleanText } from '../format/text.js';
import {
  nextDownWatched,
  selectionAfter,
  watchedProjectChanges,
  type ProjectChange,
  type WatchChange,
} from './after-snapshot.js';
import { TRANSIENT_MS, type AppActions, type AppStore } from './app-store.js';
import { applySnapshot, expireTransients } from './apply-snapshot.js';
import { createContainerActions } from './actions/container-actions.js';
import { createKillFlow } from './actions/kill-flow.js';
import { createListenerActions } from './actions/listener-actions.js';
import { createLookup } from './actions/lookup.js';
import { createNavigation } from './actions/navigation.js';
import { createToasts } from './actions/toasts.js';
import { createWhy } from './actions/why.js';
import type { FlowContext, Timer } from './actions/context.js';

/** Knobs for tests. */
export interface ConnectOptions {
  readonly now?: () => number;
  /** Delay before "is port N free?" is asked, ms. */
  readonly lookupDelayMs?: number;
  readonly clockTickMs?: number;
  readonly toastMs?: number;
  /** Set when the transport cannot work at all (shown instead of a silent empty list). */
  readonly transportProblem?: string | null;
  /**
   * Browser mode: the page opens URLs in a tab and notifies through the Notification API itself
   * (the serve machine may be headless). Absent in Electron, where main does both.
   */
  readonly page?: PageFaculties | null;
}

export { viewOf } from './view-of.js';

/**
 * The one doorway between the API and the store: fetches the snapshot once, applies pushes in
 * seq order, tracks the connection, and installs the actions that call the API (docs/ARCHITECTURE.md#hop-7-the-faces).
 * The flows themselves (navigation, lookup, listener actions, the kill flow, toasts) live in
 * `actions/`; this file keeps the subscription, the seq order and the timers they share.
 * Returns a disposer that unsubscribes and clears every timer.
 */
export function connectApi(store: AppStore, api: HarbormasterApi, options: ConnectOptions = {}): () => void {
  const now = options.now ?? ((): number => Date.now());
  const timers = new Set<Timer>();
  let disposed = false;
  let transientTimer: Timer | null = null;
  let wasClosed = false;

  const later = (fn: () => void, ms: number): Timer => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!disposed) fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const cancel = (t: Timer | null): void => {
    if (t !== null) {
      clearTimeout(t);
      timers.delete(t);
    }
  };

  if (options.transportProblem) store.setState({ transportProblem: options.transportProblem });

  const scheduleExpiry = (): void => {
    const s = store.getState();
    if (s.fresh.size === 0 && s.ghosts.size === 0) return;
    // Keep a timer already due: pushing it back on every snapshot kept ghosts (a gone row still
    // showing its last health, Kill enabled) forever on a busy machine. It re-arms for what remains.
    if (transientTimer !== null) return;
    transientTimer = later(() => {
      transientTimer = null;
      const patch = expireTransients(store.getState(), now());
      if (patch) store.setState(patch);
      scheduleExpiry();
    }, TRANSIENT_MS + 20);
  };

  const toasts = createToasts(store, { later, cancel }, options.toastMs);
  const base = {
    store,
    api,
    now,
    later,
    cancel,
    disposed: () => disposed,
    toast: toasts.toast,
    listenerById: (id: string) => store.getState().byId.get(id) ?? null,
    actions: () => store.getState().actions,
    page: options.page ?? null,
  };
  const ctx: FlowContext = { ...base, refreshLookup: createLookup(base, options.lookupDelayMs ?? 250) };
  const { reveal, ...navigation } = createNavigation(ctx);

  const apply = (snapshot: Snapshot): void => {
    if (disposed) return;
    const before = store.getState();
    const at = now();
    const patch = applySnapshot(before, snapshot, at);
    if (patch === null) return;
    const live = patch.byId ?? before.byId;
    const selected = selectionAfter(before, live);
    const watch = nextDownWatched(
      before,
      patch.listeners ?? before.listeners,
      snapshot,
      before.settings.watchedPorts,
      at,
    );
    store.setState({
      ...patch,
      downWatched: watch.downWatched,
      ...(selected !== undefined ? { selectedId: selected } : {}),
    });
    notifyWatch(watch.changes);
    notifyProjects(
      watchedProjectChanges(
        before,
        patch.listeners ?? before.listeners,
        snapshot,
        before.settings.watchedProjects,
      ),
    );
    scheduleExpiry();
    ctx.refreshLookup();
    const pending = store.getState().pendingFocusId;
    if (pending !== null) reveal(pending);
  };

  // Browser mode only: in Electron, main's notifier already speaks for watched ports.
  const notifyWatch = (changes: readonly WatchChange[]): void => {
    const n = ctx.page?.notifications;
    if (!n || changes.length === 0 || n.permission() !== 'granted') return;
    for (const c of changes) {
      const who = c.listener
        ? `${describeOwner(c.listener.owner, store.getState().viewer).name}${c.listener.owner.pid !== null ? ` (pid ${c.listener.owner.pid})` : ''}`
        : null;
      const id = c.listener?.id ?? null;
      n.show(
        `Port ${c.port} is ${c.kind === 'down' ? 'down' : 'back'}`,
        c.kind === 'down'
          ? `${who ?? 'Its listener'} stopped listening.`
          : `${who ?? 'Something'} is listening again.`,
        c.kind === 'back' && id !== null ? () => store.getState().actions.focusListener(id) : undefined,
      );
    }
  };

  // Watched projects, as main's notifier does in Electron: down when none of its processes listens.
  const notifyProjects = (changes: readonly ProjectChange[]): void => {
    const n = ctx.page?.notifications;
    if (!n || changes.length === 0 || n.permission() !== 'granted') return;
    for (const c of changes) {
      const l = c.listener;
      const who = l
        ? `${describeOwner(l.owner, store.getState().viewer).name}${l.owner.pid !== null ? ` (pid ${l.owner.pid})` : ''}`
        : 'Its process';
      const project = cleanText(c.project);
      n.show(
        `Project ${project} is ${c.kind === 'down' ? 'down' : 'back'}`,
        c.kind === 'down'
          ? `${who} stopped listening on port ${l?.port ?? '?'}.`
          : `${who} is listening on port ${l?.port ?? '?'}.`,
        c.kind === 'back' && l !== null ? () => store.getState().actions.focusListener(l.id) : undefined,
      );
    }
  };

  const fetchSnapshot = (): void => {
    api.getSnapshot().then(
      (s) => apply(s),
      (e: unknown) => {
        if (disposed) return;
        const message = e instanceof Error ? e.message : String(e);
        if (store.getState().phase === 'loading') {
          store.setState({ phase: 'error', loadError: cleanText(message) });
        }
      },
    );
  };

  const actions: AppActions = {
    ...navigation,
    ...createListenerActions(ctx),
    ...createKillFlow(ctx),
    ...createWhy(ctx),
    ...createContainerActions(ctx),
    dismissToast: toasts.dismissToast,
  };
  store.setState({ actions });

  const offSnapshot = api.onSnapshot((s) => apply(s));
  const offConnection = api.onConnection((state) => {
    if (disposed) return;
    store.setState({ connection: state });
    if (state === 'closed') wasClosed = true;
    if (state === 'open' && wasClosed) {
      wasClosed = false;
      // Pushes sent while the socket was down are lost: ask for the latest. (The same core: a core
      // restart is handled in main's core client alone, and a restarted serve has a new token.)
      fetchSnapshot();
    }
  });
  api.getSettings().then(
    (settings) => {
      if (!disposed) store.setState({ settings });
    },
    () => undefined,
  );
  api.getVersion().then(
    (version) => {
      if (!disposed) store.setState({ version });
    },
    () => undefined,
  );
  fetchSnapshot();

  const clock = setInterval(() => store.setState({ now: now() }), options.clockTickMs ?? 10_000);

  return () => {
    disposed = true;
    offSnapshot();
    offConnection();
    clearInterval(clock);
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
