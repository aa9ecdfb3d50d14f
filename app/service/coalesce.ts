import { monotonicMs } from '../watch/clock.js';

/**
 * Folds bursts of "something changed" into few runs: the first request after a quiet spell runs
 * after `firstDelayMs` (a first health result shows almost at once), later ones at most once per
 * `minGapMs`. Health results arrive one by one between scans; rebuilding and pushing a snapshot
 * of 1000 listeners for each one (every 50 ms) was most of serve's CPU and its longest stalls
 * (issue 14 item 4). `cancel` drops a pending run that a fresher snapshot made pointless.
 */
export interface Coalescer {
  request(): void;
  /** Drops a pending run; the gap still counts from the last run (or from `cancel`, when `ran`). */
  cancel(ran?: boolean): void;
  dispose(): void;
}

export interface CoalescerOptions {
  readonly run: () => void;
  readonly firstDelayMs?: number;
  readonly minGapMs?: number;
  readonly now?: () => number;
}

export function createCoalescer(options: CoalescerOptions): Coalescer {
  const firstDelayMs = options.firstDelayMs ?? 50;
  const minGapMs = options.minGapMs ?? 500;
  const now = options.now ?? monotonicMs;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastRun = -Infinity;
  let disposed = false;
  const fire = () => {
    timer = null;
    if (disposed) return;
    lastRun = now();
    options.run();
  };
  return {
    request() {
      if (timer || disposed) return;
      const wait = Math.max(firstDelayMs, lastRun + minGapMs - now());
      timer = setTimeout(fire, wait);
      timer.unref?.();
    },
    cancel(ran = false) {
      if (timer) clearTimeout(timer);
      timer = null;
      if (ran) lastRun = now();
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
