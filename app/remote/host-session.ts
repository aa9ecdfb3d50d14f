import { backoffDelay } from '../model/backoff.js';
import { readForwards } from './forward-registry.js';
import { closeAllForwards, reconcileForwards } from './forwards.js';
import type { HostFailure, HostState } from './host-state.js';
import type { RemoteHost, RemoteSnapshot } from './remote-host.js';

/** What a host section shows. */
export interface HostView {
  readonly alias: string;
  readonly state: HostState;
  readonly failure: HostFailure | null;
  readonly snapshot: RemoteSnapshot | null;
  /** Forwards whose master is gone: marked broken until the reconnect restores them. */
  readonly forwardsBroken: boolean;
  /** Consecutive failed attempts; the next retry waits backoffDelay(base, attempts - 1, max). */
  readonly attempts: number;
  readonly nextRetryMs: number | null;
}

/** Polling and retry rhythm of one opened or pinned host. */
export interface HostSessionOptions {
  readonly host: RemoteHost;
  readonly runtimeDir: string;
  /** Poll interval while ok (the pinned rate: 15 s). */
  readonly intervalMs?: number;
  /** While this answers true (its window section is open) the poll runs at `activeIntervalMs`. */
  readonly isActive?: () => boolean;
  /** Poll interval while the user looks at the host (default 3 s, VS Code's floor is 2 s). */
  readonly activeIntervalMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly onChange?: (view: HostView) => void;
}

/** One host section's life: poll, notice a lost master, retry with back-off, restore forwards. */
export interface HostSession {
  readonly host: RemoteHost;
  view(): HostView;
  /** Starts polling (the user opened or pinned the host); collapsed hosts are never polled. */
  start(): void;
  /** Stops polling (section collapsed, not pinned); the master and its forwards stay. */
  stop(): void;
  readonly polling: boolean;
  /** Polls now instead of at the next tick (after a kill), when polling and between polls. */
  pollSoon(): void;
  /**
   * Tries again now after a failure retrying cannot fix (a host key the user just trusted);
   * no-op in any other state, so it never doubles a running poll.
   */
  retry(): void;
  /** Stops polling and closes this host's forwards and master (app quit). */
  dispose(): Promise<void>;
}

/** Failures retrying cannot fix: the user must act (verify a key, log in once). */
const TERMINAL: ReadonlySet<HostState> = new Set([
  'host-key-unknown',
  'host-key-changed',
  'auth-failed',
  'unsupported-os',
]);

/** Creates a session; nothing runs until {@link HostSession.start}. */
export function createHostSession(o: HostSessionOptions): HostSession {
  const interval = o.intervalMs ?? 15_000;
  const base = o.retryBaseMs ?? 1_000;
  const max = o.retryMaxMs ?? 60_000;
  let view: HostView = {
    alias: o.host.alias,
    state: 'connecting',
    failure: null,
    snapshot: null,
    forwardsBroken: false,
    attempts: 0,
    nextRetryMs: null,
  };
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let polling = false;
  let everOk = false;
  const set = (next: Partial<HostView>) => {
    view = { ...view, ...next };
    o.onChange?.(view);
  };
  const schedule = (ms: number) => {
    if (stopped || !polling) return;
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  };
  const restoreForwards = async () => {
    // The new master has none of the old one's forwards: re-add them, same local ports.
    // A forward cancelled because its remote listener went stays cancelled until it is back.
    for (const r of readForwards(o.runtimeDir).filter((x) => x.alias === o.host.alias && x.gone !== true))
      for (const bind of r.binds)
        await o.host.forward('forward', {
          bind,
          localPort: r.localPort,
          remoteHost: r.remoteHost,
          remotePort: r.remotePort,
        });
  };
  const fail = (failure: HostFailure) => {
    const lost = everOk && !TERMINAL.has(failure.state);
    const attempts = view.attempts + 1;
    const retry = TERMINAL.has(failure.state) ? null : backoffDelay(base, attempts - 1, max);
    set({
      state: lost ? 'disconnected' : failure.state,
      failure,
      forwardsBroken: readForwards(o.runtimeDir).some((r) => r.alias === o.host.alias),
      attempts,
      nextRetryMs: retry,
    });
    if (retry !== null) schedule(retry);
  };
  const tick = async () => {
    timer = null;
    if (stopped || !polling) return;
    const wasConnected = view.state === 'ok';
    if (!wasConnected || !(await o.host.isConnected())) {
      const c = await o.host.connect();
      if (stopped) return;
      if (!c.ok) return fail(c.failure);
      if (view.forwardsBroken || everOk) await restoreForwards();
    }
    const snap = await o.host.snapshot();
    if (stopped) return;
    // Collapsed while this poll ran (it may have started an agent): release it now.
    if (!polling) o.host.releaseAgent?.();
    if (!snap.ok) return fail(snap.failure);
    await reconcileForwards(o.host, o.runtimeDir, snap.value.listeners);
    if (stopped) return;
    everOk = true;
    set({
      state: 'ok',
      failure: null,
      snapshot: snap.value,
      forwardsBroken: false,
      attempts: 0,
      nextRetryMs: null,
    });
    schedule(o.isActive?.() ? (o.activeIntervalMs ?? Math.min(3_000, interval)) : interval);
  };
  return {
    host: o.host,
    view: () => view,
    get polling() {
      return polling;
    },
    start() {
      if (polling || stopped) return;
      polling = true;
      if (timer === null) schedule(0);
    },
    pollSoon() {
      if (!polling || stopped || timer === null) return;
      clearTimeout(timer);
      timer = null;
      schedule(0);
    },
    retry() {
      if (stopped || !TERMINAL.has(view.state)) return;
      if (timer) clearTimeout(timer);
      timer = null;
      set({ state: 'connecting', failure: null, attempts: 0, nextRetryMs: null });
      schedule(0);
    },
    stop() {
      polling = false;
      if (timer) clearTimeout(timer);
      timer = null;
      // A remote agent scans and probes there while it runs: not for a host nobody polls.
      o.host.releaseAgent?.();
    },
    async dispose() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await closeAllForwards(o.host, o.runtimeDir);
      await o.host.disconnect();
    },
  };
}
