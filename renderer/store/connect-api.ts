import type { HarbormasterApi } from '../../app/contract/api.js';
import { curlCommand, elevatedKillCommand, platformOfSource } from '../../app/model/commands.js';
import type { Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { cleanText } from '../format/text.js';
import { copyToClipboard } from './clipboard.js';
import {
  applySnapshot,
  expireTransients,
  TRANSIENT_MS,
  type AppActions,
  type AppState,
  type AppStore,
  type Toast,
} from './app-store.js';
import { selectView } from './derive.js';

/** Knobs for tests. */
export interface ConnectOptions {
  readonly now?: () => number;
  /** Delay before "is port N free?" is asked, ms. */
  readonly lookupDelayMs?: number;
  readonly clockTickMs?: number;
  readonly toastMs?: number;
  /** Set when the transport cannot work at all (shown instead of a silent empty list). */
  readonly transportProblem?: string | null;
}

/** The inputs of the visible list, read from the state. */
export function viewOf(s: AppState): ReturnType<typeof selectView> {
  return selectView({
    listeners: s.listeners,
    ghosts: s.ghosts,
    query: s.query,
    grouping: s.grouping,
    showOtherUsers: s.settings.showOtherUsers,
    showSystem: s.settings.showSystem,
    currentUser: s.currentUser,
    viewerUid: s.currentUserChosen ? null : (s.snapshot?.viewer?.uid ?? null),
    revealId: s.revealId,
  });
}

/**
 * The one doorway between the API and the store: fetches the snapshot once, applies pushes in
 * seq order, tracks the connection, and installs the actions that call the API (STYLE.md #8).
 * Returns a disposer that unsubscribes and clears every timer.
 */
export function connectApi(store: AppStore, api: HarbormasterApi, options: ConnectOptions = {}): () => void {
  const now = options.now ?? ((): number => Date.now());
  const lookupDelay = options.lookupDelayMs ?? 250;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let disposed = false;
  let lookupTimer: ReturnType<typeof setTimeout> | null = null;
  let lookupSeq = 0;
  let transientTimer: ReturnType<typeof setTimeout> | null = null;
  let toastSeq = 0;
  let toastTimer: ReturnType<typeof setTimeout> | null = null;
  let wasClosed = false;

  const later = (fn: () => void, ms: number): ReturnType<typeof setTimeout> => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!disposed) fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const cancel = (t: ReturnType<typeof setTimeout> | null): void => {
    if (t !== null) {
      clearTimeout(t);
      timers.delete(t);
    }
  };

  if (options.transportProblem) store.setState({ transportProblem: options.transportProblem });

  const scheduleExpiry = (): void => {
    const s = store.getState();
    if (s.fresh.size === 0 && s.ghosts.size === 0) return;
    cancel(transientTimer);
    transientTimer = later(() => {
      transientTimer = null;
      const patch = expireTransients(store.getState(), now());
      if (patch) store.setState(patch);
      scheduleExpiry();
    }, TRANSIENT_MS + 20);
  };

  const apply = (snapshot: Snapshot, force = false): void => {
    if (disposed) return;
    const patch = applySnapshot(store.getState(), snapshot, now(), force);
    if (patch === null) return;
    store.setState(patch);
    scheduleExpiry();
    refreshLookup();
    const pending = store.getState().pendingFocusId;
    if (pending !== null) reveal(pending);
  };

  const toast = (text: string, tone: Toast['tone'], action?: Toast['action']): void => {
    cancel(toastTimer);
    store.setState({ toast: { id: ++toastSeq, text, tone, ...(action ? { action } : {}) } });
    // A toast that offers a choice stays long enough to read the reason and make it.
    toastTimer = later(() => store.setState({ toast: null }), (options.toastMs ?? 3000) * (action ? 3 : 1));
  };

  const fetchSnapshot = (force: boolean): void => {
    api.getSnapshot().then(
      (s) => apply(s, force),
      (e: unknown) => {
        if (disposed) return;
        const message = e instanceof Error ? e.message : String(e);
        if (store.getState().phase === 'loading') {
          store.setState({ phase: 'error', loadError: cleanText(message) });
        }
      },
    );
  };

  const refreshLookup = (): void => {
    const s = store.getState();
    const view = viewOf(s);
    const intent = view.intent;
    if ((intent.kind !== 'exact' && intent.kind !== 'digits') || view.portHeld || s.phase !== 'ready') {
      cancel(lookupTimer);
      lookupTimer = null;
      if (s.lookup.status !== 'idle') store.setState({ lookup: { status: 'idle' } });
      return;
    }
    const port = intent.port;
    const current = s.lookup;
    // Same port already loading or answered: keep its pending request. (Cancelling first and then
    // returning here left a push arriving during the debounce with "checking…" forever.)
    if (current.status !== 'idle' && current.port === port) return;
    cancel(lookupTimer);
    lookupTimer = null;
    const seq = ++lookupSeq;
    store.setState({ lookup: { status: 'loading', port } });
    lookupTimer = later(() => {
      api.lookup({ port }).then(
        (r) => {
          if (disposed || seq !== lookupSeq) return;
          store.setState({
            lookup: r.ok
              ? { status: 'done', port, result: r.value }
              : { status: 'failed', port, error: r.error },
          });
        },
        () => {
          if (disposed || seq !== lookupSeq) return;
          store.setState({
            lookup: {
              status: 'failed',
              port,
              error: { code: 'INTERNAL', message: 'The lookup did not answer (connection lost?).' },
            },
          });
        },
      );
    }, lookupDelay);
  };

  const updateSettings = (patch: Partial<Settings>): void => {
    // Optimistic: the toggle moves at once; the core's answer (or an error) settles it.
    const before = store.getState().settings;
    store.setState({ settings: { ...before, ...patch } });
    api.updateSettings(patch).then(
      (r) => {
        if (r.ok) store.setState({ settings: r.value });
        else {
          store.setState({ settings: before });
          toast(cleanText(r.error.message), 'bad');
        }
      },
      () => {
        store.setState({ settings: before });
        toast('Settings were not saved: connection lost.', 'bad');
      },
    );
  };

  const listenerById = (id: string) => store.getState().byId.get(id) ?? null;

  const reveal = (id: string): void => {
    const s = store.getState();
    if (!s.byId.has(id)) {
      // A notification can outlive its listener; say so instead of selecting nothing silently.
      const ghost = s.ghosts.get(id)?.listener;
      store.setState({ pendingFocusId: null });
      toast(
        ghost ? `Port ${ghost.port} is no longer listening.` : 'That listener is no longer listening.',
        'info',
      );
      return;
    }
    const patch: { -readonly [K in keyof AppState]?: AppState[K] } = {
      pendingFocusId: null,
      revealId: id,
      selectedId: id,
      detailsOpen: true,
    };
    // The scope toggles are overridden by revealId; a typed filter that hides the row is cleared.
    if (!viewOf({ ...s, revealId: id }).rowIds.includes(id)) patch.query = '';
    store.setState(patch);
    refreshLookup();
  };

  const actions: AppActions = {
    setQuery(query) {
      store.setState({ query, revealId: null });
      const s = store.getState();
      const view = viewOf(s);
      if (s.selectedId === null || !view.rowIds.includes(s.selectedId)) {
        store.setState({ selectedId: view.rowIds[0] ?? null });
      }
      refreshLookup();
    },
    setGrouping(grouping) {
      store.setState({ grouping });
    },
    setShowOtherUsers(show) {
      updateSettings({ showOtherUsers: show });
    },
    setShowSystem(show) {
      updateSettings({ showSystem: show });
    },
    setCurrentUser(user) {
      store.setState({ currentUser: user, currentUserChosen: user !== null });
    },
    select(id) {
      store.setState({ selectedId: id });
    },
    moveSelection(delta) {
      const s = store.getState();
      const ids = viewOf(s).rowIds;
      if (ids.length === 0) return;
      const at = s.selectedId === null ? -1 : ids.indexOf(s.selectedId);
      let next: number;
      if (delta === 'first') next = 0;
      else if (delta === 'last') next = ids.length - 1;
      else if (at < 0) next = delta > 0 ? 0 : ids.length - 1;
      else next = Math.min(ids.length - 1, Math.max(0, at + delta));
      store.setState({ selectedId: ids[next] ?? null });
    },
    setDetailsOpen(open) {
      store.setState({ detailsOpen: open });
    },
    open(id, openOptions = {}) {
      const l = listenerById(id);
      if (!l) return;
      if (l.url === null) {
        toast(`Nothing to open: port ${l.port} does not look like a web server.`, 'info');
        return;
      }
      const anyway = openOptions.anyway === true;
      api.open(anyway ? { listenerId: id, anyway } : { listenerId: id }).then(
        (r) => {
          if (r.ok) toast(`Opened ${cleanText(r.value.url)}`, 'ok');
          else if (r.error.code === 'NOT_HTTP') {
            // The core said what the service answered; the user may still know better.
            toast(cleanText(r.error.message), 'bad', {
              label: 'Open anyway',
              run: () => actions.open(id, { anyway: true }),
            });
          } else toast(cleanText(r.error.message), 'bad');
        },
        () => toast('Could not open: connection lost.', 'bad'),
      );
    },
    copy(id, what) {
      const l = listenerById(id);
      if (!l) return;
      if (what === 'pid') {
        const pid = l.owner.pid;
        if (pid === null) toast('The pid is unknown (needs admin).', 'info');
        else actions.copyText(String(pid), `pid ${pid}`);
        return;
      }
      if (l.url === null) {
        toast(`No URL: port ${l.port} does not look like a web server.`, 'info');
        return;
      }
      const url = cleanText(l.url);
      if (what === 'url') actions.copyText(url, url);
      else actions.copyText(curlCommand(url, l.health) ?? url, 'the curl command');
    },
    copyText(text, label) {
      copyToClipboard(text).then(
        (okCopy) =>
          toast(
            okCopy ? `Copied ${label}` : 'Copy failed: the clipboard is not available.',
            okCopy ? 'ok' : 'bad',
          ),
        () => toast('Copy failed: the clipboard is not available.', 'bad'),
      );
    },
    requestKill(id) {
      const l = listenerById(id);
      if (!l) return;
      store.setState({ kill: { phase: 'confirm', listener: l } });
    },
    confirmKill(mode) {
      const flow = store.getState().kill;
      if (!flow || flow.phase === 'running') return;
      const l = flow.listener;
      const o = l.owner;
      if (o.kind !== 'process') {
        store.setState({
          kill: {
            phase: 'result',
            listener: l,
            report: null,
            error: {
              code: 'EPERM',
              message:
                'The owner of this socket is not visible to Harbormaster, so it cannot be signalled from here.',
              ...(o.pid !== null
                ? {
                    command: elevatedKillCommand(
                      o.pid,
                      mode,
                      platformOfSource(store.getState().snapshot?.source ?? 'procfs'),
                    ),
                  }
                : {}),
            },
          },
        });
        return;
      }
      store.setState({ kill: { phase: 'running', listener: l, mode } });
      api.kill({ listenerId: l.id, pid: o.pid, startToken: o.startToken, mode }).then(
        (r) => {
          if (disposed) return;
          store.setState({
            kill: r.ok
              ? { phase: 'result', listener: l, report: r.value, error: null }
              : { phase: 'result', listener: l, report: null, error: r.error },
          });
        },
        () => {
          if (disposed) return;
          store.setState({
            kill: {
              phase: 'result',
              listener: l,
              report: null,
              error: {
                code: 'INTERNAL',
                message:
                  'The connection was lost before the result arrived; check the list to see if it is gone.',
              },
            },
          });
        },
      );
    },
    closeKill() {
      if (store.getState().kill?.phase === 'running') return;
      store.setState({ kill: null });
    },
    checkHealth(id) {
      const l = listenerById(id);
      if (!l) return;
      api.checkHealth({ listenerId: id }).then(
        (r) => {
          if (!r.ok) {
            toast(cleanText(r.error.message), 'bad');
            return;
          }
          // Show the answer at once; the next push carries the same value.
          const s = store.getState();
          const current = s.byId.get(id);
          if (!current) return;
          const updated = { ...current, health: r.value };
          const snapshot = s.snapshot;
          if (!snapshot) return;
          const patch = applySnapshot(
            s,
            { ...snapshot, listeners: s.listeners.map((x) => (x.id === id ? updated : x)) },
            now(),
            true,
          );
          if (patch) store.setState({ ...patch, snapshot });
        },
        () => toast('Health check failed: connection lost.', 'bad'),
      );
    },
    toggleWatch(port) {
      const watched = store.getState().settings.watchedPorts;
      const next = watched.includes(port)
        ? watched.filter((p) => p !== port)
        : [...watched, port].sort((a, b) => a - b);
      updateSettings({ watchedPorts: next });
      toast(watched.includes(port) ? `Stopped watching port ${port}` : `Watching port ${port}`, 'info');
    },
    dismissToast() {
      cancel(toastTimer);
      store.setState({ toast: null });
    },
    setPaused(paused) {
      if (store.getState().pausePending) return;
      store.setState({ pausePending: true });
      api.setPaused({ paused }).then(
        (r) => {
          if (disposed) return;
          if (r.ok) store.setState({ paused: r.value.paused, pausePending: false });
          else {
            store.setState({ pausePending: false });
            toast(cleanText(r.error.message), 'bad');
          }
        },
        () => {
          if (disposed) return;
          store.setState({ pausePending: false });
          toast(`Could not ${paused ? 'pause' : 'resume'} scanning: connection lost.`, 'bad');
        },
      );
    },
    focusListener(id) {
      if (store.getState().phase !== 'ready') {
        store.setState({ pendingFocusId: id });
        return;
      }
      reveal(id);
    },
  };
  store.setState({ actions });

  const offSnapshot = api.onSnapshot((s) => apply(s));
  const offConnection = api.onConnection((state) => {
    if (disposed) return;
    store.setState({ connection: state });
    if (state === 'closed') wasClosed = true;
    if (state === 'open' && wasClosed) {
      wasClosed = false;
      // The core may have restarted (seq from 1 again): take its snapshot as the new truth.
      fetchSnapshot(true);
      // A restarted core scans again; the header still says "Paused", so make that true again.
      if (store.getState().paused) {
        api.setPaused({ paused: true }).then(
          () => undefined,
          () => undefined,
        );
      }
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
  fetchSnapshot(false);

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
