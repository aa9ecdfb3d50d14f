import type { KillRequest } from '../../contract/api.js';
import type { KillReport } from '../../model/actions.js';
import { err, ok, type Result } from '../../model/errors.js';
import type { Listener } from '../../model/listener.js';
import { DEFAULT_SETTINGS, type Settings } from '../../model/settings.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { HarbormasterService, Interest } from '../../service/types.js';
import { APP_VERSION, CONTRACT_VERSION } from '../../contract/methods.js';
import { listener, processOwner, snapshot as fixtureSnapshot } from '../../testing/fixtures.js';

/**
 * A small in-memory HarbormasterService for the transport tests of `app/serve`: it records every
 * call that reaches it and, for `kill`, really signals the pid when it is in its snapshot, so the
 * security tests can prove that a rejected request never reaches the core (a live process survives)
 * while an accepted one does. The e2e specs use the real core instead.
 */
export interface RecordingService extends HarbormasterService {
  readonly calls: { readonly method: string; readonly params: unknown }[];
  readonly interest: Interest[];
  /** Replaces the snapshot and pushes it to subscribers. */
  publish(listeners: readonly Listener[]): Snapshot;
  subscriberCount(): number;
}

/** A TCP listener on 127.0.0.1 owned by `pid`, built with the one fixture builder (app/testing). */
export function fakeListener(port: number, pid: number, name = 'node'): Listener {
  return listener({
    port,
    url: `http://127.0.0.1:${port}/`,
    owner: processOwner({ pid, startToken: `start-${pid}`, name, command: name }),
  });
}

/** Creates a {@link RecordingService} with the given listeners. */
export function createRecordingService(initial: readonly Listener[] = []): RecordingService {
  let seq = 0;
  const make = (listeners: readonly Listener[]): Snapshot =>
    fixtureSnapshot(listeners, { seq: ++seq, durationMs: 1 });
  let snapshot = make(initial);
  let settings: Settings = DEFAULT_SETTINGS;
  const subscribers = new Set<(s: Snapshot) => void>();
  const calls: { method: string; params: unknown }[] = [];
  const interest: Interest[] = [];
  const record = (method: string, params: unknown): void => {
    calls.push({ method, params });
  };

  return {
    calls,
    interest,
    publish(listeners) {
      snapshot = make(listeners);
      for (const s of subscribers) s(snapshot);
      return snapshot;
    },
    subscriberCount: () => subscribers.size,
    async getSnapshot() {
      record('getSnapshot', undefined);
      return snapshot;
    },
    onSnapshot(listener) {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
    async getVersion() {
      record('getVersion', undefined);
      return { app: APP_VERSION, contract: CONTRACT_VERSION };
    },
    async why(request) {
      record('why', request);
      return err('UNSUPPORTED', 'The recording service does not diagnose.');
    },
    async portHistory(request) {
      record('portHistory', request);
      return ok({ port: request.port, events: [], total: 0, coversFrom: null, note: null });
    },
    async listHosts() {
      record('listHosts', undefined);
      return { config: '', hosts: [], refused: [] };
    },
    async getHost(request) {
      record('getHost', request);
      return err('UNSUPPORTED', 'No ssh hosts in the recording service.');
    },
    async collapseHost(request) {
      record('collapseHost', request);
      return ok({ polling: false });
    },
    async openRemote(request) {
      record('openRemote', request);
      return err('UNSUPPORTED', 'No ssh hosts in the recording service.');
    },
    async listForwards() {
      record('listForwards', undefined);
      return [];
    },
    async closeForwards(request) {
      record('closeForwards', request);
      return ok({ closed: 0 });
    },
    async lookup(request) {
      record('lookup', request);
      const holders = snapshot.listeners.filter((l) => l.port === request.port);
      return ok({ port: request.port, holders, free: holders.length === 0, bindTests: [], nextFree: null });
    },
    async containerAction(request) {
      record('containerAction', request);
      return err('UNSUPPORTED', 'No container engine in the recording service.');
    },
    async checkHealth(request) {
      record('checkHealth', request);
      return ok({ state: 'unknown' });
    },
    async kill(request: KillRequest): Promise<Result<KillReport>> {
      record('kill', request);
      const target = snapshot.listeners.find((l) => l.id === request.listenerId);
      if (!target || target.owner.kind !== 'process' || target.owner.pid !== request.pid) {
        return err('NOT_IN_SNAPSHOT', 'That process is no longer listed.');
      }
      if (target.owner.startToken !== request.startToken) {
        return err('PROCESS_CHANGED', 'That pid now belongs to another process.');
      }
      process.kill(request.pid, 'SIGTERM');
      return ok({
        outcome: 'freed',
        pid: request.pid,
        port: target.port,
        protocol: target.protocol,
        signals: ['SIGTERM'],
        elapsedMs: 0,
        heldBy: null,
        restartedBy: null,
        listeners: [],
        command: null,
        message: 'Freed.',
      });
    },
    async open(request) {
      record('open', request);
      return ok({ url: `http://127.0.0.1/${request.listenerId}` });
    },
    async setPaused(request) {
      record('setPaused', request);
      return ok({ paused: request.paused });
    },
    async getSettings() {
      record('getSettings', undefined);
      return settings;
    },
    async updateSettings(patch) {
      record('updateSettings', patch);
      settings = { ...settings, ...patch };
      return ok(settings);
    },
    setInterest(value) {
      interest.push(value);
    },
    async dispose() {
      subscribers.clear();
    },
  };
}
