import { hmError } from '../model/errors.js';
import type { CompletenessNote } from '../model/snapshot.js';
import type { ScanOutcome, Scanner } from './types.js';

/**
 * Tries backends in order and sticks with the first that works. A backend that fails with
 * TOOL_MISSING or EPERM is skipped for good (it will not start working by itself); TIMEOUT and
 * SCAN_FAILED fall through to the next backend for this scan only. The snapshot names the backend
 * that ran and carries a FALLBACK note saying why the preferred one did not. An aborted scan (the
 * deadline passed) stops where it is: the backend that was running is stopped, and no further
 * backend is started, so a deadline never leaves one backend's child running while the next starts.
 * Scans are queued, never run side by side: a second caller (a kill's fresh check while the poller
 * scans) waits for the running scan to settle, then runs its own, so its facts are fresh and at
 * most one scanner child exists.
 */
export function createFallbackScanner(chain: readonly Scanner[]): Scanner {
  if (chain.length === 0) throw new Error('createFallbackScanner needs at least one scanner');
  const disabled = new Set<Scanner>();
  let current: Scanner = chain[0] as Scanner;
  let queue: Promise<unknown> = Promise.resolve();
  const stopped = (): ScanOutcome => ({
    ok: false,
    backend: current.id,
    error: hmError('TIMEOUT', 'The scan was stopped: its deadline passed.'),
  });

  async function scanChain(signal: AbortSignal | undefined): Promise<ScanOutcome> {
    const notes: CompletenessNote[] = [];
    let last: ScanOutcome | null = null;
    for (const scanner of chain) {
      if (disabled.has(scanner)) {
        continue;
      }
      if (signal?.aborted) {
        return {
          ok: false,
          backend: scanner.id,
          error: hmError('TIMEOUT', 'The scan was stopped: its deadline passed.'),
        };
      }
      const outcome = await scanner.scan(signal);
      // Stopped by the deadline: its result (even a late success) is not used, and nothing else starts.
      if (signal?.aborted) {
        return outcome.ok
          ? {
              ok: false,
              backend: scanner.id,
              error: hmError('TIMEOUT', 'The scan was stopped: its deadline passed.'),
            }
          : outcome;
      }
      if (outcome.ok) {
        current = scanner;
        return notes.length > 0 ? { ...outcome, notes: [...notes, ...outcome.notes] } : outcome;
      }
      last = outcome;
      if (outcome.error.code === 'TOOL_MISSING' || outcome.error.code === 'EPERM') disabled.add(scanner);
      notes.push({
        code: 'FALLBACK',
        message: `${scanner.id} unavailable (${outcome.error.message}); used the next backend.`,
      });
    }
    if (last) return last;
    // Every backend was disabled earlier: retry the last one so the error stays current.
    const lastScanner = chain[chain.length - 1] as Scanner;
    return lastScanner.scan(signal);
  }

  return {
    get id() {
      return current.id;
    },
    async scan(signal?: AbortSignal): Promise<ScanOutcome> {
      const before = queue;
      const mine = (async () => {
        if (signal) {
          // Wait for the scan ahead, unless this caller's own deadline passes first.
          let onAbort: (() => void) | undefined;
          const aborted = new Promise<'aborted'>((resolve) => {
            onAbort = () => resolve('aborted');
            if (signal.aborted) resolve('aborted');
            else signal.addEventListener('abort', onAbort, { once: true });
          });
          const waited = await Promise.race([before.then(() => 'ready' as const), aborted]);
          if (onAbort) signal.removeEventListener('abort', onAbort);
          if (waited === 'aborted') return stopped();
        } else {
          await before;
        }
        return scanChain(signal);
      })();
      // The next caller waits for this scan and for the one ahead (which may still be settling).
      // It settles to nothing: settled to Promise.all's array, each queue held the one before and
      // this scan's outcome, so every outcome since start stayed in memory (~1 MB a minute in
      // bench:soak, issue 14 item 4).
      queue = Promise.all([before, mine]).then(
        () => undefined,
        () => undefined,
      );
      return mine;
    },
    dispose() {
      for (const s of chain) s.dispose?.();
    },
  };
}
