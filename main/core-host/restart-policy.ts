import { backoffDelay } from '../../app/model/backoff.js';

/** A child that ran at least this long counts as healthy: its next crash starts the back-off over. */
export const HEALTHY_RUN_MS = 60_000;
/** First restart delay. */
export const BASE_RESTART_DELAY_MS = 500;
/** Longest restart delay; the core is retried forever, never abandoned. */
export const MAX_RESTART_DELAY_MS = 30_000;

/** Back-off state across restarts of the core host. */
export interface RestartState {
  /** Crashes in a row without a healthy run in between. */
  readonly consecutiveCrashes: number;
}

/**
 * Decides when to restart the core host after it exited unexpectedly: exponential back-off
 * (0.5 s, 1 s, 2 s … capped at 30 s), reset after a run of at least a minute.
 */
export function nextRestart(
  state: RestartState,
  run: { readonly startedAt: number; readonly exitedAt: number },
): { readonly delayMs: number; readonly state: RestartState } {
  const healthy = run.exitedAt - run.startedAt >= HEALTHY_RUN_MS;
  const crashes = healthy ? 1 : state.consecutiveCrashes + 1;
  const delayMs = backoffDelay(BASE_RESTART_DELAY_MS, crashes - 1, MAX_RESTART_DELAY_MS);
  return { delayMs, state: { consecutiveCrashes: crashes } };
}
