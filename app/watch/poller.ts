import { backoffDelay } from '../model/backoff.js';
import { monotonicMs } from './clock.js';

/** Timer functions, injectable so tests control time. */
export interface PollerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: PollerClock = {
  now: monotonicMs,
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Options for {@link createPoller}. */
export interface PollerOptions<T> {
  /** One scan. Throwing (or rejecting) counts as an error and backs off. */
  readonly task: () => Promise<T>;
  /** Delay between the end of one scan and the start of the next, ms. */
  readonly intervalMs: number;
  /** A scan is never more than this share of wall time: slow scans stretch the delay. */
  readonly maxDutyCycle?: number;
  /** Cap for the error back-off, ms. */
  readonly maxBackoffMs?: number;
  /** Treat a result as a failure for back-off purposes (e.g. a failed snapshot). */
  readonly isFailure?: (result: T) => boolean;
  readonly clock?: PollerClock;
}

/** A single-flight poller. */
export interface Poller<T> {
  /** Starts polling (first scan immediately). */
  start(): void;
  /** Stops polling; a scan in flight finishes but schedules nothing. */
  stop(): void;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Scans now, or joins the scan already in flight; reschedules the next one after it. */
  refresh(): Promise<T>;
  /** True while a scan is in flight (a refresh now would join it). */
  readonly scanning: boolean;
  setIntervalMs(ms: number): void;
  /** Called with every result, in order. Returns an unsubscribe function. */
  subscribe(fn: (result: T) => void): () => void;
  /** Called with every thrown error. Returns an unsubscribe function. */
  onError(fn: (error: unknown) => void): () => void;
  /** The delay chosen for the next scan (after stretching and back-off), ms. */
  readonly nextDelayMs: number;
  readonly consecutiveErrors: number;
}

/**
 * A poller that never runs two scans at once: the next scan is scheduled only after the last one
 * finished, the delay stretches when scans are slow (a scan takes at most `maxDutyCycle` of wall
 * time), and repeated errors back off exponentially up to `maxBackoffMs`.
 */
export function createPoller<T>(options: PollerOptions<T>): Poller<T> {
  const clock = options.clock ?? realClock;
  const duty = options.maxDutyCycle ?? 0.25;
  const maxBackoff = options.maxBackoffMs ?? 60_000;
  let interval = options.intervalMs;
  let running = false;
  let paused = false;
  let timer: unknown = null;
  let inflight: Promise<T> | null = null;
  let errors = 0;
  let nextDelay = interval;
  const subscribers = new Set<(r: T) => void>();
  const errorSubscribers = new Set<(e: unknown) => void>();

  const schedule = (delay: number) => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (!running || paused) return;
    timer = clock.setTimeout(() => {
      timer = null;
      void run().catch(() => undefined);
    }, delay);
  };

  const computeDelay = (durationMs: number): number => {
    const stretched = Math.max(interval, Math.ceil(durationMs * (1 / duty - 1)));
    if (errors === 0) return stretched;
    return backoffDelay(stretched, errors, maxBackoff);
  };

  const run = (): Promise<T> => {
    if (inflight) return inflight;
    if (timer !== null) {
      clock.clearTimeout(timer);
      timer = null;
    }
    const started = clock.now();
    const p = (async () => {
      try {
        const result = await options.task();
        errors = options.isFailure?.(result) ? errors + 1 : 0;
        for (const fn of subscribers) fn(result);
        return result;
      } catch (e) {
        errors += 1;
        for (const fn of errorSubscribers) fn(e);
        throw e;
      } finally {
        inflight = null;
        nextDelay = computeDelay(clock.now() - started);
        schedule(nextDelay);
      }
    })();
    inflight = p;
    return p;
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (!paused) void run().catch(() => undefined);
    },
    stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
    pause() {
      paused = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
    resume() {
      if (!paused) return;
      paused = false;
      if (running && !inflight) void run().catch(() => undefined);
    },
    get paused() {
      return paused;
    },
    refresh: run,
    get scanning() {
      return inflight !== null;
    },
    setIntervalMs(ms) {
      const shorter = ms < interval;
      interval = ms;
      if (shorter && running && !paused && !inflight) schedule(Math.min(nextDelay, ms));
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    onError(fn) {
      errorSubscribers.add(fn);
      return () => errorSubscribers.delete(fn);
    },
    get nextDelayMs() {
      return nextDelay;
    },
    get consecutiveErrors() {
      return errors;
    },
  };
}
