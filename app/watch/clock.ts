/**
 * Milliseconds on a monotonic clock, for durations, deadlines and scheduling (the health probes
 * and their monitor, the kill pipeline, `why`, the scanners). Not `performance.now()`: its first
 * use in a process loads Node's perf_hooks (~1.5 ms of a CLI cold start here, 5–7 ms under load;
 * `check` paid it for its probe, issue 14 item 2). The origin differs from `performance.now()`'s,
 * so a time from here is only ever compared with another time from here.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
