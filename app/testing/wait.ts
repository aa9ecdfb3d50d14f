// The one isAlive, isRunning and waitUntil for unit tests, e2e specs and benchmarks (issue 12).
import { readFileSync } from 'node:fs';

/** True while `pid` exists (signal 0 checks without signalling; EPERM means it exists). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while `pid` exists and is not a zombie (Linux /proc): a child killed but not yet reaped
 * still answers signal 0, so "did it die" needs this one.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Checks `predicate` until it holds or `timeoutMs` pass; returns whether it held. For states the
 * system cannot announce (a pid gone, a port free); where it can, wait for its event instead.
 */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  everyMs = 25,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return predicate();
}
