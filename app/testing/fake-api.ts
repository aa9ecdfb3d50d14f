import type {
  ConnectionState,
  ContainerActionRequest,
  HarbormasterApi,
  CancelKillRequest,
  KillRequest,
} from '../contract/api.js';
import type { ContainerActionReport } from '../model/container.js';
import type { KillReport, LookupResult, OpenResult } from '../model/actions.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Diagnosis, PortHistory } from '../model/diagnosis.js';
import type { Health } from '../model/health.js';
import { DEFAULT_SETTINGS, type Settings } from '../model/settings.js';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import type { HarbormasterService, Interest } from '../service/types.js';
import { APP_VERSION, CONTRACT_VERSION } from '../contract/methods.js';
import { snapshot as fixtureSnapshot } from './fixtures.js';

/** What a test can make the fake answer. */
export interface FakeApiScript {
  /** The first getSnapshot answer; `'pending'` keeps it loading until `resolveSnapshot`. */
  snapshot: Snapshot | 'pending' | Error;
  settings?: Settings;
  /** `current` is the snapshot the fake serves at the time of the call. */
  kill?: (req: KillRequest, current: Snapshot | null) => Result<KillReport> | Promise<Result<KillReport>>;
  lookup?: (port: number, current: Snapshot | null) => Result<LookupResult>;
  cancelKill?: (req: CancelKillRequest) => Result<{ readonly cancelled: boolean }>;
  checkHealth?: (listenerId: string) => Result<Health>;
  open?: (listenerId: string, anyway: boolean) => Result<OpenResult>;
  setPaused?: (paused: boolean) => Result<{ readonly paused: boolean }>;
  why?: (target: string) => Result<Diagnosis> | Promise<Result<Diagnosis>>;
  portHistory?: (port: number) => Result<PortHistory>;
  containerAction?: (req: ContainerActionRequest) => Result<ContainerActionReport>;
}

/** An in-memory HarbormasterApi for component/store tests and the UI bench. */
export interface FakeApi extends HarbormasterApi {
  readonly calls: { method: string; params: unknown }[];
  push(snapshot: Snapshot): void;
  setConnection(state: ConnectionState): void;
  resolveSnapshot(snapshot: Snapshot): void;
  /** Replaces the snapshot returned by later getSnapshot calls. */
  setCurrent(snapshot: Snapshot): void;
  /** Pushes a fixture snapshot of `listeners`, numbered after the current one; returns it. */
  publish(listeners: readonly Listener[]): Snapshot;
  subscriberCount(): number;
}

/** The same fake as a HarbormasterService (the serve/CLI transport tests): it records interest too. */
export interface FakeService extends FakeApi, HarbormasterService {
  readonly interest: Interest[];
}

/** Builds a fake API that answers from a script. */
export function createFakeApi(script: FakeApiScript): FakeApi {
  return build(script).api;
}

function build(script: FakeApiScript): { api: FakeApi; dropSubscribers: () => void } {
  const snapshotListeners = new Set<(s: Snapshot) => void>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const calls: { method: string; params: unknown }[] = [];
  let settings: Settings = script.settings ?? DEFAULT_SETTINGS;
  let current: Snapshot | null =
    script.snapshot instanceof Error || script.snapshot === 'pending' ? null : script.snapshot;
  let pendingResolve: ((s: Snapshot) => void) | null = null;
  let connection: ConnectionState = 'open';
  const log = (method: string, params: unknown = undefined): void => {
    calls.push({ method, params });
  };
  const push = (s: Snapshot): void => {
    current = s;
    for (const l of snapshotListeners) l(s);
  };
  const republish = (change: Partial<Snapshot>): void => {
    if (current) push({ ...current, ...change, seq: current.seq + 1 });
  };
  const api: FakeApi = {
    calls,
    getSnapshot() {
      log('getSnapshot');
      if (current !== null) return Promise.resolve(current);
      if (script.snapshot instanceof Error) return Promise.reject(script.snapshot);
      return new Promise<Snapshot>((resolve) => {
        pendingResolve = resolve;
      });
    },
    onSnapshot(l) {
      snapshotListeners.add(l);
      return () => snapshotListeners.delete(l);
    },
    onConnection(l) {
      connectionListeners.add(l);
      l(connection);
      return () => connectionListeners.delete(l);
    },
    async lookup({ port }) {
      log('lookup', { port });
      return script.lookup
        ? script.lookup(port, current)
        : ok({ port, holders: [], free: true, bindTests: [], nextFree: port });
    },
    async checkHealth({ listenerId }) {
      log('checkHealth', { listenerId });
      const r = script.checkHealth ? script.checkHealth(listenerId) : err('PROBE_FAILED', 'Not scripted.');
      // Like the real service: the snapshot carrying the answer is pushed before the reply.
      if (r.ok && current) {
        const health = r.value;
        republish({
          listeners: current.listeners.map((l) => (l.id === listenerId ? { ...l, health } : l)),
        });
      }
      return r;
    },
    async kill(req) {
      log('kill', req);
      return script.kill ? script.kill(req, current) : err('INTERNAL', 'Not scripted.');
    },
    async cancelKill(req) {
      log('cancelKill', req);
      return script.cancelKill ? script.cancelKill(req) : ok({ cancelled: false });
    },
    async containerAction(req) {
      log('containerAction', req);
      return script.containerAction ? script.containerAction(req) : err('INTERNAL', 'Not scripted.');
    },
    async open({ listenerId, anyway, launch }) {
      log('open', {
        listenerId,
        ...(anyway === undefined ? {} : { anyway }),
        ...(launch === undefined ? {} : { launch }),
      });
      return script.open ? script.open(listenerId, anyway === true) : ok({ url: 'http://127.0.0.1/' });
    },
    async setPaused({ paused }) {
      log('setPaused', { paused });
      const r = script.setPaused ? script.setPaused(paused) : ok({ paused });
      // Like the real service: a pause is announced by a snapshot that says so, pushed before the reply.
      if (r.ok) republish({ paused: r.value.paused });
      return r;
    },
    async getSettings() {
      log('getSettings');
      return settings;
    },
    async updateSettings(patch) {
      log('updateSettings', patch);
      settings = { ...settings, ...patch };
      return ok(settings);
    },
    async getVersion() {
      log('getVersion');
      return { app: APP_VERSION, contract: CONTRACT_VERSION };
    },
    async why({ target }) {
      log('why', { target });
      return script.why ? script.why(target) : err('INTERNAL', 'Not scripted.');
    },
    async portHistory({ port }) {
      log('portHistory', { port });
      return script.portHistory
        ? script.portHistory(port)
        : ok({ port, events: [], total: 0, coversFrom: null, note: null });
    },
    async listHosts() {
      log('listHosts');
      return { config: '', hosts: [], refused: [] };
    },
    async getHost(request) {
      log('getHost', request);
      return { ok: false, error: { code: 'UNSUPPORTED', message: 'No ssh hosts in the fake API.' } };
    },
    async collapseHost(request) {
      log('collapseHost', request);
      return { ok: true, value: { polling: false } };
    },
    async openRemote(request) {
      log('openRemote', request);
      return { ok: false, error: { code: 'UNSUPPORTED', message: 'No ssh hosts in the fake API.' } };
    },
    async listForwards() {
      log('listForwards');
      return [];
    },
    async closeForwards(request) {
      log('closeForwards', request);
      return { ok: true, value: { closed: 0 } };
    },
    async killRemote(request) {
      log('killRemote', request);
      return { ok: false, error: { code: 'UNSUPPORTED', message: 'No ssh hosts in the fake API.' } };
    },
    async beginTrust(request) {
      log('beginTrust', request);
      return { ok: false, error: { code: 'UNSUPPORTED', message: 'No ssh hosts in the fake API.' } };
    },
    async answerTrust(request) {
      log('answerTrust', request);
      return { ok: false, error: { code: 'UNSUPPORTED', message: 'No ssh hosts in the fake API.' } };
    },
    push,
    setConnection(state) {
      connection = state;
      for (const l of connectionListeners) l(state);
    },
    resolveSnapshot(s) {
      current = s;
      pendingResolve?.(s);
      pendingResolve = null;
    },
    setCurrent(s) {
      current = s;
    },
    publish(listeners) {
      const next = fixtureSnapshot(listeners, { seq: (current?.seq ?? 0) + 1, durationMs: 1 });
      push(next);
      return next;
    },
    subscriberCount: () => snapshotListeners.size,
  };
  return {
    api,
    dropSubscribers: () => {
      snapshotListeners.clear();
      connectionListeners.clear();
    },
  };
}

/** Builds the fake as a service: `setInterest` is recorded in `interest`, `dispose` drops subscribers. */
export function createFakeService(script: FakeApiScript): FakeService {
  const { api, dropSubscribers } = build(script);
  const interest: Interest[] = [];
  return Object.assign(api, {
    interest,
    setInterest(value: Interest) {
      interest.push(value);
    },
    async dispose() {
      dropSubscribers();
    },
  });
}
