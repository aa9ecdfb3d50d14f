/**
 * The one exponential back-off rule: `baseMs` for attempt 0, doubling with each further attempt,
 * never above `maxMs`. Used by the poller (scan errors), the health monitor (failed probes, with
 * its own ±20 % jitter on top), the core-host restarts and the browser WebSocket reconnects. The exponent is bounded so a long outage cannot overflow to Infinity.
 */
export function backoffDelay(baseMs: number, attempt: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
}
