import {
  createApiClient,
  METHODS,
  returnsResult,
  type InvokeMethod,
  type ReturnOf,
} from '../../app/contract/methods.js';
import { err, hmError, type HmError, type Result } from '../../app/model/errors.js';
import type { Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import type { HarbormasterService, Interest } from '../../app/service/types.js';
import { parseFromCore, type FromCore, type MessageEndpoint, type ToCore } from './protocol.js';

/** Default time a call may take before it resolves to a TIMEOUT error (kill waits for its grace period). */
export const CALL_TIMEOUT_MS = 30_000;
/** Kill verifies by re-scanning after a grace period; allow it longer. */
export const KILL_TIMEOUT_MS = 90_000;

/** Options of the main-process side of the core host. */
export interface CoreClientOptions {
  /** Settings loaded from the user-data folder; sent to every (re)started core. */
  readonly settings: Settings;
  /** Opens a URL the core built (main re-verifies it); resolves to an error or null. */
  readonly openUrl: (url: string) => Promise<HmError | null>;
  readonly callTimeoutMs?: number;
  readonly killTimeoutMs?: number;
}

/** `HarbormasterService` backed by a core host process, surviving its restarts. */
export interface CoreClient extends HarbormasterService {
  /** Starts talking to a freshly started core host: sends `init`, then queued calls once it is ready. */
  connect(endpoint: MessageEndpoint<ToCore, FromCore>, protectedPids: readonly number[]): void;
  /** The core host exited: read-only calls wait for the next core, the others fail with INTERNAL. */
  disconnect(reason: string): void;
  /** True between `ready` and `disconnect`. */
  readonly ready: boolean;
  /** The last snapshot pushed by the core, if any. */
  latest(): Snapshot | null;
  /** The current settings (main's copy, the one persisted). */
  currentSettings(): Settings;
  /** Settings changed in the core (persist them, apply login item, theme…). */
  onSettings(listener: (settings: Settings) => void): () => void;
  /** The core could not start. */
  onInitFailed(listener: (error: HmError) => void): () => void;
  /** Updates the pids the kill pipeline must never touch (Electron main and renderers). */
  setProtectedPids(pids: readonly number[]): void;
}

interface Pending {
  readonly method: InvokeMethod;
  readonly arg: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | null;
  sent: boolean;
}

/**
 * The main-process half of the core host protocol, and the one place core restarts are handled:
 * calls made while the core is starting or restarting are queued; a restart re-sends read-only
 * calls and fails the others honestly ("outcome unknown"), renumbers snapshots so seq keeps
 * growing, re-applies the last snapshot's pause and the interest, and never loses the last snapshot.
 */
export function createCoreClient(options: CoreClientOptions): CoreClient {
  let endpoint: MessageEndpoint<ToCore, FromCore> | null = null;
  let offEndpoint: (() => void) | null = null;
  let isReady = false;
  let settings = options.settings;
  let snapshot: Snapshot | null = null;
  // Each core instance numbers its snapshots from 1; main renumbers them so every face, which
  // drops pushes whose seq is not newer, keeps seeing progress across core restarts.
  let seqOffset = 0;
  let interest: Interest = 'idle';
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const snapshotListeners = new Set<(s: Snapshot) => void>();
  const settingsListeners = new Set<(s: Settings) => void>();
  const initFailedListeners = new Set<(e: HmError) => void>();
  let disposeWaiter: (() => void) | null = null;

  const post = (m: ToCore) => endpoint?.post(m);
  const renumber = (s: Snapshot): Snapshot => (seqOffset === 0 ? s : { ...s, seq: s.seq + seqOffset });

  const send = (id: number, p: Pending) => {
    p.sent = true;
    post({ type: 'call', id, method: p.method, arg: p.arg });
  };

  const failValue = (method: InvokeMethod, error: HmError): { value?: unknown; error?: Error } => {
    if (method === 'getSnapshot') {
      return snapshot ? { value: snapshot } : { error: new Error(error.message) };
    }
    if (method === 'getSettings') return { value: settings };
    return returnsResult(method) ? { value: { ok: false, error } } : { error: new Error(error.message) };
  };

  const settle = (id: number, outcome: { value?: unknown; error?: Error }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (outcome.error) p.reject(outcome.error);
    else p.resolve(outcome.value);
  };

  const call = <M extends InvokeMethod>(method: M, arg: unknown): Promise<ReturnOf<M>> =>
    new Promise<ReturnOf<M>>((resolve, reject) => {
      const id = nextId++;
      const p: Pending = {
        method,
        arg,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: null,
        sent: false,
      };
      const timeout =
        method === 'kill'
          ? (options.killTimeoutMs ?? KILL_TIMEOUT_MS)
          : (options.callTimeoutMs ?? CALL_TIMEOUT_MS);
      p.timer = setTimeout(
        () => settle(id, failValue(method, hmError('TIMEOUT', `The core did not answer ${method} in time.`))),
        timeout,
      );
      pending.set(id, p);
      if (isReady) send(id, p);
    });

  const onMessage = (raw: unknown) => {
    const m = parseFromCore(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        isReady = true;
        post({ type: 'interest', interest });
        // A restarted core scans again: re-apply the pause the last snapshot announced (an internal
        // call, id 0: no caller waits for it). The snapshot is the only pause state.
        if (snapshot?.paused === true)
          post({ type: 'call', id: 0, method: 'setPaused', arg: { paused: true } });
        for (const [id, p] of pending) if (!p.sent) send(id, p);
        return;
      case 'init-failed':
        for (const l of initFailedListeners) l(m.error);
        return;
      case 'result': {
        const p = pending.get(m.id);
        if (p?.method === 'getSnapshot') {
          settle(m.id, { value: renumber(m.value as Snapshot) });
          return;
        }
        if (p?.method === 'updateSettings') {
          const r = m.value as Result<Settings>;
          if (r.ok) settings = r.value;
        }
        settle(m.id, { value: m.value });
        return;
      }
      case 'call-failed': {
        const p = pending.get(m.id);
        if (p) settle(m.id, failValue(p.method, m.error));
        return;
      }
      case 'snapshot': {
        const next = renumber(m.snapshot);
        if (snapshot && next.seq <= snapshot.seq) return;
        snapshot = next;
        for (const l of snapshotListeners) l(next);
        return;
      }
      case 'settings':
        settings = m.settings;
        for (const l of settingsListeners) l(m.settings);
        return;
      case 'open-url':
        void options.openUrl(m.url).then((error) => post({ type: 'opened', id: m.id, error }));
        return;
      case 'disposed':
        disposeWaiter?.();
        return;
    }
  };

  const client: CoreClient = {
    ...createApiClient(call),
    get ready() {
      return isReady;
    },
    connect(next, protectedPids) {
      offEndpoint?.();
      endpoint = next;
      isReady = false;
      seqOffset = snapshot?.seq ?? 0;
      offEndpoint = next.onMessage(onMessage);
      next.post({ type: 'init', settings, protectedPids: [...protectedPids] });
    },
    disconnect(reason) {
      offEndpoint?.();
      offEndpoint = null;
      endpoint = null;
      isReady = false;
      for (const [id, p] of [...pending]) {
        if (METHODS[p.method].retryable) p.sent = false;
        else
          settle(id, {
            value: err(
              'INTERNAL',
              `The Harbormaster core stopped during this request (${reason}); its outcome is unknown. Check the list before trying again.`,
            ),
          });
      }
    },
    latest: () => snapshot,
    currentSettings: () => settings,
    onSettings(listener) {
      settingsListeners.add(listener);
      return () => void settingsListeners.delete(listener);
    },
    onInitFailed(listener) {
      initFailedListeners.add(listener);
      return () => void initFailedListeners.delete(listener);
    },
    setProtectedPids(pids) {
      post({ type: 'protect', pids: [...pids] });
    },
    async getSnapshot() {
      if (!isReady && snapshot) return snapshot;
      return call('getSnapshot', undefined);
    },
    onSnapshot(listener) {
      snapshotListeners.add(listener);
      return () => void snapshotListeners.delete(listener);
    },
    onConnection(listener) {
      // Electron IPC is in-process from the renderer's point of view: always open.
      listener('open');
      return () => undefined;
    },
    // main holds the persisted settings; no round trip to the core.
    async getSettings() {
      return settings;
    },
    setInterest(next) {
      interest = next;
      if (isReady) post({ type: 'interest', interest });
    },
    async dispose() {
      if (isReady) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3000);
          disposeWaiter = () => {
            clearTimeout(timer);
            resolve();
          };
          post({ type: 'dispose' });
        });
      }
      client.disconnect('shutting down');
      for (const [id, p] of [...pending])
        settle(id, failValue(p.method, hmError('INTERNAL', 'Harbormaster is quitting.')));
      snapshotListeners.clear();
    },
  };
  return client;
}
