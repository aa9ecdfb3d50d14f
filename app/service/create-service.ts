// Slightly over ~300 lines on purpose: the composition root, one object wiring every part; the
// parts themselves live in their own modules.
import { userInfo } from 'node:os';
import { createKillRegistry } from '../actions/kill-cancel.js';
import type { runContainerAction } from '../containers/actions.js';
import { createContainerCatalog, type ContainerCatalog } from '../containers/catalog.js';
import { createContainerJoiner } from '../containers/join.js';
import { lookupPort } from '../actions/lookup.js';
import type { Opener } from '../actions/open.js';
import { urlForListener } from '../actions/url.js';
import type { KillRequest } from '../contract/api.js';
import { APP_VERSION, CONTRACT_VERSION } from '../contract/methods.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import { DEFAULT_SETTINGS, type Settings } from '../model/settings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { OwnerResolver } from '../owners/types.js';
import type { Scanner } from '../scan/types.js';
import { createPoller } from '../watch/poller.js';
import { createSnapshotter } from '../watch/snapshotter.js';
import type { SnapshotSource } from '../watch/types.js';
import { defaultOwnerResolver, defaultScanner } from './platform.js';
import type { RemoteHosts } from '../remote/remote-hosts-service.js';
import type { HarbormasterService, Interest } from './types.js';
import { createHealthMonitor, type HealthMonitor } from '../health/monitor.js';
import { createCoalescer } from './coalesce.js';
import { defaultHistoryRecorder } from '../history/default-recorder.js';
import type { HistoryRecorder } from '../history/recorder.js';

function safeUserName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/** Options for {@link createHarbormasterService}; everything has a real default. */
export interface ServiceOptions {
  readonly scanner?: Scanner;
  readonly owners?: OwnerResolver;
  readonly health?: HealthMonitor;
  readonly settings?: Settings;
  /** Called after settings change (Electron persists them to the user-data folder). */
  readonly persistSettings?: (settings: Settings) => void | Promise<void>;
  /** Overrides settings.autoProbe (the CLI probes only on request). */
  readonly autoProbe?: boolean;
  /** Start the poller now (default true). The CLI scans on demand instead. */
  readonly startPolling?: boolean;
  /** Poll interval while nobody looks, ms (default 15 s). */
  readonly idleIntervalMs?: number;
  readonly opener?: Opener;
  /** Pids the kill pipeline must never touch besides self and ancestors (e.g. serve's own helpers). */
  readonly protectedPids?: () => readonly number[];
  readonly killGraceMs?: number;
  /** How long a kill keeps re-scanning a freed port for a supervisor's respawn, ms (default 1 s). */
  readonly killRespawnWindowMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Where scans are remembered (default: the shared port history in the user's data folder); null: nowhere. */
  readonly history?: HistoryRecorder | null;
  /** Which face this core serves, written with each history event (`tray`, `serve`, `cli`). */
  readonly face?: string;
  /** The container engine view (default: the first engine socket found; null: none). */
  readonly containers?: ContainerCatalog | null;
  /** Seconds Docker waits before SIGKILL when stopping a container (default 10). */
  readonly containerStopTimeoutS?: number;
  /**
   * Only listeners on these ports (and their holders' other listeners) are needed: the CLI's
   * `who`/`free`/`check`/`kill`/`open` skip attributing every other socket on the machine.
   */
  readonly focusPorts?: readonly number[];
  /** Least time between snapshots pushed for health results alone, ms (default 500). */
  readonly healthRebuildGapMs?: number;
}

/**
 * Health results between two scans are pushed at most this often: 100 new listeners still show
 * their health within ~1 s, and a busy machine no longer rebuilds 20 snapshots a second.
 */
export const HEALTH_REBUILD_GAP_MS = 500;

/**
 * Composes the core: scanner → owners → snapshotter → single-flight poller, with the health
 * monitor feeding results back into snapshots and the actions (kill, open, lookup) reading the
 * same truth. Every face (Electron core host, `harbormaster serve`, the CLI) runs this.
 */
export async function createHarbormasterService(options: ServiceOptions = {}): Promise<HarbormasterService> {
  let settings: Settings = options.settings ?? DEFAULT_SETTINGS;
  const autoProbe = () => options.autoProbe ?? settings.autoProbe;
  const scanner =
    options.scanner ??
    defaultScanner(process.platform, options.focusPorts ? { ports: options.focusPorts } : {});
  const owners = options.owners ?? defaultOwnerResolver();
  // Running kills by the caller's id, so cancelKill reaches the one that is waiting.
  const kills = createKillRegistry();
  // selfPid: never probe our own ports (the serve dashboard) automatically.
  const health = options.health ?? createHealthMonitor({ selfPid: process.pid });
  // Results of on-request checks for listeners the monitor is not watching (autoProbe off, e.g.
  // the CLI): kept so the snapshot — and the URL scheme built from it — shows what was found.
  const requested = new Map<string, Health>();
  const healthOf = (id: string): Health => {
    const h = health.get(id);
    return h.state === 'unknown' ? (requested.get(id) ?? h) : h;
  };
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const catalog =
    options.containers === undefined
      ? createContainerCatalog({ env: options.env ?? process.env })
      : options.containers;
  const join = createContainerJoiner();
  const snapshotter = createSnapshotter({
    decorate: (s) => {
      if (!catalog?.client) return s;
      const joined = join(s.listeners, catalog.current());
      return { ...s, listeners: joined.listeners, containers: joined.section };
    },
    scanner,
    owners,
    healthOf,
    viewer: { uid, user: (uid === null ? null : owners.userName?.(uid)) ?? safeUserName() },
    urlFor: (draft) => urlForListener({ ...draft, url: null }),
  });
  // Every face that scans records what it saw in the one shared history (issue 13).
  const history =
    options.history === undefined
      ? defaultHistoryRecorder(options.face ?? 'core', options.env ?? process.env)
      : options.history;
  const subscribers = new Set<(s: Snapshot) => void>();
  let interest: Interest = 'active';
  let disposed = false;
  // Every face learns the pause state from the snapshots themselves (a tray pause shows in the window).
  const stamp = (s: Snapshot): Snapshot => (s.paused === poller.paused ? s : { ...s, paused: poller.paused });
  const publish = (raw: Snapshot) => {
    const s = stamp(raw);
    for (const fn of subscribers) {
      try {
        fn(s);
      } catch {
        // one broken subscriber must not stop the others
      }
    }
  };

  const poller = createPoller<Snapshot>({
    intervalMs: settings.pollIntervalMs,
    // The catalog re-reads the Engine API only after an /events message (or its TTL).
    task: async () => {
      await catalog?.refresh();
      return snapshotter.take();
    },
    isFailure: (s) => s.status === 'failed',
  });
  poller.subscribe((s) => {
    // A fresh scan carries every health result so far: a pending health rebuild is redundant.
    healthRebuild.cancel(true);
    if (requested.size > 0) {
      const present = new Set(s.listeners.map((l) => l.id));
      for (const id of requested.keys()) if (!present.has(id)) requested.delete(id);
    }
    if (autoProbe() && interest === 'active') health.observe(s.listeners);
    history?.observe(s);
    publish(s);
  });

  // Health results arrive between scans: fold them in and push a new snapshot, the first soon
  // after a quiet spell and then at most every HEALTH_REBUILD_GAP_MS (not one per result).
  const healthRebuild = createCoalescer({
    firstDelayMs: 50,
    minGapMs: options.healthRebuildGapMs ?? HEALTH_REBUILD_GAP_MS,
    run: () => {
      const s = snapshotter.rebuild();
      if (s && !disposed) publish(s);
    },
  });
  const offHealth = health.onUpdate(() => {
    if (!disposed) healthRebuild.request();
  });

  const source: SnapshotSource = {
    latest: () => snapshotter.latest(),
    refresh: () => poller.refresh(),
    scanning: () => poller.scanning,
  };
  // One probe now of one listener; the result shows in the next snapshot (and its URL scheme).
  const probeNow = async (listener: Listener, bulk: boolean): Promise<Health> => {
    const result = await health.checkNow(listener, { bulk });
    requested.set(listener.id, result);
    const rebuilt = snapshotter.rebuild();
    if (rebuilt && !disposed) publish(rebuilt);
    return result;
  };
  const getSnapshot = async () => stamp(snapshotter.latest() ?? (await poller.refresh()));
  const applyInterest = () => {
    if (interest === 'active') {
      poller.setIntervalMs(settings.pollIntervalMs);
      health.resume();
    } else {
      poller.setIntervalMs(options.idleIntervalMs ?? 15_000);
      health.pause();
    }
  };
  if (options.startPolling ?? true) poller.start();

  // What only some requests need (kill, open, container actions, why, history, ssh hosts) is
  // imported on first use: a CLI `who` or `list` never loads it (issue 14 item 2, cold start).
  const containerAction = async (c: Parameters<typeof runContainerAction>[0], action: 'stop' | 'restart') =>
    catalog
      ? (await import('../containers/actions.js')).runContainerAction(c, action, {
          catalog,
          source,
          ...(options.containerStopTimeoutS !== undefined
            ? { stopTimeoutS: options.containerStopTimeoutS }
            : {}),
        })
      : Promise.resolve(err('UNSUPPORTED', 'No container engine is available.'));

  // Issue 15: ssh hosts, each polled only once its section is opened; closed with the app.
  let remoteHosts: Promise<RemoteHosts> | null = null;
  const hosts = () =>
    (remoteHosts ??= import('../remote/remote-hosts-service.js').then((m) =>
      m.createRemoteHosts({
        env: options.env ?? process.env,
        ...(options.opener ? { opener: options.opener } : {}),
        settings: () => settings,
        closeAllOnDispose: options.startPolling ?? true,
      }),
    ));
  // Pinned hosts poll from the start in a face that polls (tray, serve); a one-shot CLI command
  // never loads the ssh layer unless it asks for a host.
  if ((options.startPolling ?? true) && settings.pinnedHosts.length > 0) {
    void hosts().then((h) => h.applySettings());
  }
  const service: HarbormasterService = {
    getSnapshot,
    async containerAction(request) {
      if (!catalog?.client) return err('UNSUPPORTED', 'No container engine socket was found.');
      await catalog.refresh();
      const state = catalog.current();
      if (state.access !== 'ok')
        return err(
          state.access === 'denied' ? 'EPERM' : 'UNSUPPORTED',
          state.message ?? 'The container engine is not available.',
        );
      const { findContainer } = await import('../containers/actions.js');
      const c = findContainer(state.containers, request.container);
      if (!c)
        return err(
          'NOT_IN_SNAPSHOT',
          `No running container is named ${JSON.stringify(request.container.slice(0, 80))}.`,
        );
      return containerAction(c, request.action);
    },
    onSnapshot(listener) {
      subscribers.add(listener);
      return () => void subscribers.delete(listener);
    },
    onConnection(listener) {
      // In-process: always connected.
      listener('open');
      return () => undefined;
    },
    async lookup(request) {
      return lookupPort(request.port, { source });
    },
    async checkHealth(request): Promise<Result<Health>> {
      const snap = await getSnapshot();
      const listener = snap.listeners.find((l) => l.id === request.listenerId);
      if (!listener) return err('NOT_IN_SNAPSHOT', 'That listener is no longer in the current scan.');
      return ok(await probeNow(listener, request.bulk === true));
    },
    async kill(request: KillRequest) {
      const { killListenerOwner } = await import('../actions/kill.js');
      return kills.run(request, (abort) =>
        killListenerOwner(request, {
          abort,
          source,
          ...(catalog ? { stopContainer: (c) => containerAction(c, 'stop') } : {}),
          readIdentity: owners.readIdentity,
          // A new holder's parent, by name and command line: "restarted by a supervisor" needs evidence.
          readParent: async (pid) => {
            const r = (await owners.resolve([pid])).get(pid);
            return r?.ok ? { pid, name: r.value.name, exe: r.value.exe, command: r.value.command } : null;
          },
          ...(options.protectedPids ? { protectedPids: options.protectedPids } : {}),
          ...(options.killGraceMs !== undefined ? { graceMs: options.killGraceMs } : {}),
          ...(options.killRespawnWindowMs !== undefined
            ? { respawnWindowMs: options.killRespawnWindowMs }
            : {}),
        }),
      );
    },
    async cancelKill(request) {
      return kills.cancel(request.killId);
    },
    async open(request) {
      const { openListener } = await import('../actions/open.js');
      return openListener(
        request.listenerId,
        {
          source,
          // Asking to open one listener names it: an on-request probe, HTTP after a banner wait.
          probe: (listener) => probeNow(listener, false),
          ...(options.opener ? { opener: options.opener } : {}),
          ...(options.env ? { env: options.env } : {}),
        },
        { anyway: request.anyway === true, ...(request.launch === false ? { launch: false } : {}) },
      );
    },
    async setPaused(request) {
      if (request.paused) {
        poller.pause();
        health.pause();
      } else {
        poller.resume();
        applyInterest();
      }
      const s = snapshotter.rebuild();
      if (s && !disposed) publish(s);
      return ok({ paused: poller.paused });
    },
    async getSettings() {
      return settings;
    },
    async updateSettings(patch) {
      settings = { ...settings, ...patch };
      applyInterest();
      if (patch.hosts !== undefined || patch.pinnedHosts !== undefined)
        void hosts().then((h) => h.applySettings());
      await options.persistSettings?.(settings);
      return ok(settings);
    },
    async getVersion() {
      return { app: APP_VERSION, contract: CONTRACT_VERSION };
    },
    async why(request) {
      const { whyForService } = await import('../why/service-methods.js');
      const client = catalog?.client;
      return whyForService(request, {
        source,
        env: options.env ?? process.env,
        readStoppedContainers: client
          ? async () => (await import('../containers/stopped.js')).readStoppedContainers(client)
          : undefined,
      });
    },
    async portHistory(request) {
      const { portHistoryForService } = await import('../why/service-methods.js');
      return portHistoryForService(request, options.env ?? process.env);
    },
    listHosts: async () => (await hosts()).listHosts(),
    getHost: async (request) => (await hosts()).getHost(request),
    collapseHost: async (request) => (await hosts()).collapseHost(request),
    openRemote: async (request) => (await hosts()).openRemote(request),
    listForwards: async () => (await hosts()).listForwards(),
    closeForwards: async (request) => (await hosts()).closeForwards(request),
    killRemote: async (request) => (await hosts()).killRemote(request),
    beginTrust: async (request) => (await hosts()).beginTrust(request),
    answerTrust: async (request) => (await hosts()).answerTrust(request),
    setInterest(next) {
      interest = next;
      applyInterest();
    },
    async dispose() {
      disposed = true;
      poller.stop();
      offHealth();
      healthRebuild.dispose();
      health.dispose();
      subscribers.clear();
      scanner.dispose?.();
      catalog?.dispose();
      if (remoteHosts) await (await remoteHosts).dispose();
      else if (options.startPolling ?? true) {
        // A face that polls (tray, serve) is quitting: managed forwards close with it, also those
        // of hosts never opened in this session. A one-shot CLI command leaves them alone.
        const m = await import('../remote/remote-hosts-service.js');
        if (m.hasRecordedForwards(options.env ?? process.env)) await (await hosts()).dispose();
      }
    },
  };
  return service;
}
