/**
 * Milliseconds on a monotonic clock, for durations and scheduling inside one module. Not
 * `performance.now()`: its first use in a process loads Node's perf_hooks (~1.5 ms of every CLI
 * cold start, issue 14 item 2). The origin differs from `performance.now()`'s, so a time from
 * here is only ever compared with another time from here.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
