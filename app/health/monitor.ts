// Over ~300 lines on purpose: one scheduler closure whose state (turns, parking, back-off, pause,
// on-request probes) is shared by every path; split, each part would need all of it passed around.
import { monotonicMs } from '../watch/clock.js';
import { backoffDelay } from '../model/backoff.js';
import { UNKNOWN_HEALTH, type Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import { choosePlan } from './policy.js';
import { hostPort } from './probe-address.js';
import { probeListener, type ProbeTurn } from './probe.js';

/**
 * Runs one probe. The default is {@link probeListener}; tests inject a fake. `turn` is its share of
 * the concurrency limit: a probe that only waits on a silent peer parks it (see {@link ProbeTurn}).
 */
export type ProbeFn = (
  listener: Listener,
  options: {
    readonly onRequest: boolean;
    readonly previous: Health;
    readonly selfPid?: number;
    readonly turn: ProbeTurn;
  },
) => Promise<Health>;

/** Time source for scheduling: a monotonic `now()` plus timers. Tests inject a fake one. */
export interface MonitorClock {
  /** Monotonic milliseconds (scheduling only). */
  now(): number;
  /** Wall-clock epoch milliseconds (for `checking.since`). */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How {@link HealthMonitor.checkNow} probes. */
export interface CheckOptions {
  /** One of many listeners checked at once: the automatic (polite) policy, not "on request". */
  readonly bulk?: boolean;
}

/** Options for {@link createHealthMonitor}; every field has a polite default. */
export interface HealthMonitorOptions {
  /**
   * Most probes in flight at once (default 4): connecting, sending, or waiting on a peer that has
   * not yet used up the probe's patience. A probe whose peer stays silent parks (see ProbeTurn).
   */
  readonly maxInFlight?: number;
  /** Most parked probes (each holds one idle connection until its deadline; default 128). */
  readonly maxParked?: number;
  /** Re-probe a listener that answered after this long (default 30 s). */
  readonly upIntervalMs?: number;
  /** First retry delay after a failed probe (refused, timeout, error); doubles per failure (default 5 s). */
  readonly retryBaseMs?: number;
  /** Longest retry delay (default 5 min). */
  readonly retryMaxMs?: number;
  /** Random spread of every delay, as a fraction (default 0.2 = ±20 %), so probes do not bunch up. */
  readonly jitter?: number;
  /**
   * Least time between two probe starts (default 0). Politeness is per target instead: one probe
   * at a time per host:port, back-off per listener (issue 14: a global gap made 100 listeners take
   * 10 s).
   */
  readonly minStartGapMs?: number;
  /** Harbormaster's own pid: its ports are not probed automatically. */
  readonly selfPid?: number;
  /** Start paused (no automatic probes until `resume()`). */
  readonly paused?: boolean;
  readonly probe?: ProbeFn;
  readonly clock?: MonitorClock;
  /** Random numbers in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
}

/** Polite background health checks for the listeners of the current snapshot. */
export interface HealthMonitor {
  /**
   * The latest health of a listener: `unknown` (with the policy's reason when it is never probed)
   * until a first result, `checking` while its first probe or an on-request check runs, then the
   * last result (kept while an automatic re-probe runs, so rows do not flicker).
   */
  get(listenerId: string): Health;
  /** Sets the listeners to watch: new ones are probed per policy, missing ones are forgotten. */
  observe(listeners: readonly Listener[]): void;
  /**
   * Probes one listener now and resolves with the result. By default the user named this listener
   * (HTTP allowed after a silent banner wait, unless never-HTTP); `bulk: true` is one of many
   * (`list --health`): the background policy then applies, HTTP only to web-looking owners.
   */
  checkNow(listener: Listener, options?: CheckOptions): Promise<Health>;
  /** Called when a listener's health changes in a way a user would see. Returns an unsubscribe. */
  onUpdate(cb: (listenerId: string, health: Health) => void): () => void;
  /** Stops starting automatic probes (on-request checks still run); in-flight ones finish. */
  pause(): void;
  resume(): void;
  /** Stops everything and forgets all state; later calls do nothing. */
  dispose(): void;
}

const DEFAULTS = {
  maxInFlight: 4,
  upIntervalMs: 30_000,
  retryBaseMs: 5_000,
  retryMaxMs: 300_000,
  jitter: 0.2,
  minStartGapMs: 0,
  maxParked: 128,
};

/** The real clock: `monotonicMs()` for scheduling, unref'd timers (never keep a CLI alive). */
export const systemClock: MonitorClock = {
  now: () => monotonicMs(),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * True when two health values show the same thing to a user: timestamps and latency are ignored,
 * so a re-probe with the same answer is not a change.
 */
export function sameHealth(a: Health, b: Health): boolean {
  const strip = (h: Health): string =>
    JSON.stringify(h, (key, value: unknown) =>
      key === 'checkedAt' || key === 'latencyMs' || key === 'since' ? undefined : value,
    );
  return a === b || strip(a) === strip(b);
}

/** True for results after which a listener is retried with back-off. */
function failed(h: Health): boolean {
  return h.state === 'refused' || h.state === 'timeout' || h.state === 'error';
}

interface Entry {
  listener: Listener;
  /** Last completed result, or unknown (with the policy's reason when never probed). */
  result: Health;
  /** Monotonic time of the next automatic probe; null when policy says never. */
  dueAt: number | null;
  failures: number;
  /** What is running for this listener right now. */
  running: 'auto' | 'request' | null;
  runningSince: number;
  /** The on-request check in flight or queued, shared by concurrent `checkNow` calls. */
  pending: Promise<Health> | null;
  /** Whether `pending` is a bulk check (an on-request call must not be answered by one). */
  pendingBulk: boolean;
  /** What the last onUpdate call (or the initial state) showed. */
  shown: Health;
  /** host:port its probe connects to (null: never probed). */
  target: string | null;
}

interface RequestJob {
  readonly listener: Listener;
  readonly target: string | null;
  readonly bulk: boolean;
  readonly resolve: (h: Health) => void;
}

/**
 * Creates a health monitor: ≤ `maxInFlight` probes in flight (silent peers park, ≤ `maxParked`),
 * one probe at a time per host:port, ≥ `minStartGapMs` between starts, per-listener back-off after failures (5 s → 10 s → 20 s … ≤ 5 min, ±20 %), a slow re-probe of
 * healthy listeners (30 s), pause/resume and dispose. See docs/SECURITY.md#probe-policy.
 */
export function createHealthMonitor(options: HealthMonitorOptions = {}): HealthMonitor {
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULTS.maxInFlight);
  const upIntervalMs = options.upIntervalMs ?? DEFAULTS.upIntervalMs;
  const retryBaseMs = options.retryBaseMs ?? DEFAULTS.retryBaseMs;
  const retryMaxMs = options.retryMaxMs ?? DEFAULTS.retryMaxMs;
  const jitter = options.jitter ?? DEFAULTS.jitter;
  const minStartGapMs = options.minStartGapMs ?? DEFAULTS.minStartGapMs;
  const maxParked = Math.max(0, options.maxParked ?? DEFAULTS.maxParked);
  const probe: ProbeFn = options.probe ?? ((l, o) => probeListener(l, o));
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const selfPid = options.selfPid;
  const planOptions = (onRequest: boolean, previous: Health) =>
    selfPid === undefined ? { onRequest, previous } : { onRequest, previous, selfPid };

  const entries = new Map<string, Entry>();
  const requests: RequestJob[] = [];
  const subscribers = new Set<(id: string, h: Health) => void>();
  let inFlight = 0;
  let parked = 0;
  /** Parked probes that want their turn back (before they connect or send again), oldest first. */
  const resumers: (() => void)[] = [];
  /** host:port of every probe running now: one at a time per target. */
  const busyTargets = new Set<string>();
  let paused = options.paused ?? false;
  let disposed = false;
  let lastStartAt = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  let timerAt = Number.POSITIVE_INFINITY;

  const spread = (ms: number): number => Math.round(ms * (1 + jitter * (2 * random() - 1)));

  function view(entry: Entry): Health {
    const first = entry.result.state === 'unknown' && entry.dueAt !== null;
    if (entry.running === 'request' || (entry.running === 'auto' && first)) {
      // The same object while nothing changes, so snapshots can reuse unchanged listeners.
      const shown = entry.shown;
      if (shown.state === 'checking' && shown.since === entry.runningSince) return shown;
      return { state: 'checking', since: entry.runningSince };
    }
    return entry.result;
  }

  function publish(id: string, entry: Entry): void {
    const now = view(entry);
    if (sameHealth(now, entry.shown)) return;
    entry.shown = now;
    for (const cb of subscribers) {
      try {
        cb(id, now);
      } catch {
        // A subscriber's failure must not stop probing or other subscribers.
      }
    }
  }

  // The policy is a pure function of the listener, and the snapshotter hands an unchanged
  // listener out as the same object: each is planned once, not once per poll (1000 listeners'
  // command lines matched every 2 s were a fifth of serve's CPU in the soak, issue 14 item 4).
  const skipMemo = new WeakMap<Listener, string | null>();
  const targetMemo = new WeakMap<Listener, string | null>();

  function skipReason(listener: Listener): string | null {
    let reason = skipMemo.get(listener);
    if (reason === undefined) {
      const plan = choosePlan(listener, planOptions(false, { state: 'unknown' }));
      reason = plan.steps.length === 0 ? plan.reason : null;
      skipMemo.set(listener, reason);
    }
    return reason;
  }

  function arm(at: number): void {
    if (disposed) return;
    if (timer !== null && timerAt <= at) return;
    if (timer !== null) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(
      () => {
        timer = null;
        timerAt = Number.POSITIVE_INFINITY;
        pump();
      },
      Math.max(0, at - clock.now()),
    );
  }

  /** Where a listener's probe connects; null when the policy never probes it. */
  function targetOf(listener: Listener): string | null {
    let target = targetMemo.get(listener);
    if (target === undefined) {
      const plan = choosePlan(listener, planOptions(true, { state: 'unknown' }));
      target = plan.host === null ? null : hostPort(plan.host, plan.port);
      targetMemo.set(listener, target);
    }
    return target;
  }

  const targetFree = (target: string | null): boolean => target === null || !busyTargets.has(target);

  /**
   * The due probe to start next: a listener never probed before any re-probe, then the longest
   * due. A server just started is what a user is waiting to see; behind a backlog of silent
   * listeners' retries (each may hold its turn up to the deadline) its first probe waited many
   * seconds.
   */
  function nextAutomatic(now: number): Entry | null {
    let best: Entry | null = null;
    let bestFirst = false;
    for (const e of entries.values()) {
      if (e.running !== null || e.dueAt === null || e.dueAt > now) continue;
      const first = e.result.state === 'unknown';
      if (best !== null && bestFirst && !first) continue;
      if (best !== null && bestFirst === first && (best.dueAt ?? 0) <= e.dueAt) continue;
      if (targetFree(e.target)) {
        best = e;
        bestFirst = first;
      }
    }
    return best;
  }

  function pump(): void {
    if (disposed) return;
    for (;;) {
      if (inFlight >= maxInFlight) return; // a finishing or parking probe pumps again
      // A parked probe that wants to send again goes before any new probe: it already started.
      const resume = resumers.shift();
      if (resume) {
        parked -= 1;
        inFlight += 1;
        resume();
        continue;
      }
      const now = clock.now();
      const requestIndex = requests.findIndex(
        (r) => entries.get(r.listener.id)?.running !== 'auto' && targetFree(r.target),
      );
      const auto = paused ? null : nextAutomatic(now);
      if (requestIndex < 0 && auto === null) break;
      if (now < lastStartAt + minStartGapMs) {
        arm(lastStartAt + minStartGapMs);
        return;
      }
      lastStartAt = now;
      if (requestIndex >= 0) {
        const [job] = requests.splice(requestIndex, 1);
        if (job) start(job.listener, job.target, job.bulk ? 'bulk' : 'request', job.resolve);
      } else if (auto !== null) {
        start(auto.listener, auto.target, 'auto', null);
      }
    }
    if (paused) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const e of entries.values()) {
      if (e.running === null && e.dueAt !== null) earliest = Math.min(earliest, e.dueAt);
    }
    if (earliest < Number.POSITIVE_INFINITY) arm(earliest);
  }

  /** One probe's share of the limit: in flight, parked, waiting to resume, or ended. */
  function makeTurn(): { turn: ProbeTurn; end: () => void } {
    let state: 'active' | 'parked' | 'resuming' | 'ended' = 'active';
    let wake: (() => void) | null = null;
    let taking: Promise<void> | null = null;
    const turn: ProbeTurn = {
      park() {
        if (state !== 'active' || parked >= maxParked) return; // keeps its turn when too many are parked
        state = 'parked';
        inFlight -= 1;
        parked += 1;
        pump();
      },
      take() {
        if (taking) return taking;
        if (state !== 'parked') return Promise.resolve();
        state = 'resuming';
        taking = new Promise<void>((resolve) => {
          wake = () => {
            wake = null;
            taking = null;
            if (state === 'resuming') state = 'active';
            resolve();
          };
          resumers.push(wake);
          pump();
        });
        return taking;
      },
    };
    const end = (): void => {
      if (state === 'active') inFlight -= 1;
      else if (state === 'parked') parked -= 1;
      const waking = state === 'resuming' ? wake : null;
      if (waking) {
        // Ended (deadline) while waiting for a turn back: it gets none, and sends nothing.
        parked -= 1;
        const i = resumers.indexOf(waking);
        if (i >= 0) resumers.splice(i, 1);
      }
      state = 'ended';
      waking?.();
    };
    return { turn, end };
  }

  function start(
    listener: Listener,
    target: string | null,
    mode: 'auto' | 'bulk' | 'request',
    resolve: ((h: Health) => void) | null,
  ): void {
    const entry = entries.get(listener.id);
    inFlight += 1;
    if (target !== null) busyTargets.add(target);
    const { turn, end } = makeTurn();
    if (entry) {
      entry.running = mode === 'auto' ? 'auto' : 'request';
      entry.runningSince = clock.wallNow();
      publish(listener.id, entry);
    }
    const previous = entry?.result ?? { state: 'unknown' };
    let done: Promise<Health>;
    try {
      done = probe(listener, { ...planOptions(mode === 'request', previous), turn });
    } catch (e) {
      done = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    void done
      .catch((e: unknown): Health => ({
        state: 'error',
        checkedAt: Date.now(),
        code: 'PROBE_FAILED',
        message: e instanceof Error ? e.message : String(e),
      }))
      .then((health) => {
        end();
        if (target !== null) busyTargets.delete(target);
        resolve?.(health);
        // Forgotten (or replaced) meanwhile: the result belongs to nobody.
        if (!disposed && entry && entries.get(listener.id) === entry) {
          entry.running = null;
          if (entry.pending !== null && mode !== 'auto') entry.pending = null;
          record(entry, health);
          publish(listener.id, entry);
        }
        pump();
      });
  }

  function record(entry: Entry, health: Health): void {
    if (health.state === 'unknown') {
      entry.result = health;
      entry.dueAt = null;
      return;
    }
    entry.result = health;
    if (skipReason(entry.listener) !== null) {
      // Probed on request only (e.g. our own port): no automatic follow-up.
      entry.dueAt = null;
    } else if (failed(health)) {
      entry.failures += 1;
      const delay = backoffDelay(retryBaseMs, entry.failures - 1, retryMaxMs);
      entry.dueAt = clock.now() + spread(delay);
    } else {
      entry.failures = 0;
      entry.dueAt = clock.now() + spread(upIntervalMs);
    }
  }

  function sameOwner(a: Listener, b: Listener): boolean {
    if (a.owner.kind !== b.owner.kind) return false;
    if (a.owner.kind === 'process' && b.owner.kind === 'process') {
      return a.owner.pid === b.owner.pid && a.owner.startToken === b.owner.startToken;
    }
    return true;
  }

  return {
    get(listenerId) {
      const entry = entries.get(listenerId);
      return entry ? view(entry) : UNKNOWN_HEALTH;
    },

    observe(listeners) {
      if (disposed) return;
      const present = new Set<string>();
      const now = clock.now();
      for (const listener of listeners) {
        present.add(listener.id);
        const reason = skipReason(listener);
        const entry = entries.get(listener.id);
        if (!entry) {
          const result: Health = reason === null ? { state: 'unknown' } : { state: 'unknown', reason };
          entries.set(listener.id, {
            listener,
            result,
            dueAt: reason === null ? now : null,
            failures: 0,
            running: null,
            runningSince: 0,
            pending: null,
            pendingBulk: false,
            shown: result,
            target: targetOf(listener),
          });
          continue;
        }
        const restarted = !sameOwner(entry.listener, listener);
        if (entry.listener !== listener) entry.target = targetOf(listener);
        entry.listener = listener;
        if (reason !== null) {
          entry.dueAt = null;
          if (entry.running === null) entry.result = { state: 'unknown', reason };
          publish(listener.id, entry);
        } else if (restarted || entry.dueAt === null) {
          // A new process behind the same socket id, or newly probe-able: look again soon.
          entry.failures = 0;
          entry.dueAt = now;
        }
      }
      for (const id of [...entries.keys()]) {
        if (!present.has(id)) entries.delete(id);
      }
      pump();
    },

    checkNow(listener, checkOptions = {}) {
      if (disposed) return Promise.resolve({ state: 'unknown', reason: 'The health monitor was stopped' });
      const bulk = checkOptions.bulk === true;
      const entry = entries.get(listener.id);
      // A check in flight answers a second caller, unless it is a bulk check and this one is not.
      if (entry?.pending && (bulk || !entry.pendingBulk)) return entry.pending;
      const pending = new Promise<Health>((resolve) => {
        requests.push({ listener, target: targetOf(listener), bulk, resolve });
      });
      if (entry) {
        if (entry.listener !== listener) entry.target = targetOf(listener);
        entry.listener = listener;
        entry.pending = pending;
        entry.pendingBulk = bulk;
      }
      pump();
      return pending;
    },

    onUpdate(cb) {
      subscribers.add(cb);
      return () => {
        subscribers.delete(cb);
      };
    },

    pause() {
      paused = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      // Queued on-request checks still run.
      if (requests.length > 0) pump();
    },

    resume() {
      if (disposed || !paused) return;
      paused = false;
      pump();
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      entries.clear();
      subscribers.clear();
      for (const job of requests.splice(0)) {
        job.resolve({ state: 'unknown', reason: 'The health monitor was stopped' });
      }
    },
  };
}
