import { hmError } from '../model/errors.js';
import type { CompletenessNote } from '../model/snapshot.js';
import { LSOF_ARGS, parseLsofF } from './parse-lsof.js';
import { createToolScanner, hiddenOwnersNote, isRoot } from './tool-scanner.js';
import type { Scanner } from './types.js';

/** Where lsof lives: /usr/sbin on macOS, /usr/bin or /usr/sbin on Linux distributions. */
export const LSOF_PATHS: readonly string[] = ['/usr/sbin/lsof', '/usr/bin/lsof', '/sbin/lsof', '/bin/lsof'];

/** Options for {@link createLsofScanner}; tests point `candidates` at stand-ins. */
export interface LsofScannerOptions {
  readonly candidates?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * `lsof -F` backend (the macOS default; works on Linux too): TCP LISTEN and unconnected UDP with
 * pids. lsof exits 1 when it finds nothing, which is "no listeners", not a failure. Without root
 * it sees only this user's processes, so the outcome says so (PERMISSION_LIMITED): others'
 * listeners are missing, not free.
 */
export function createLsofScanner(options: LsofScannerOptions = {}): Scanner {
  return createToolScanner({
    backend: 'lsof',
    toolName: 'lsof',
    candidates: options.candidates ?? LSOF_PATHS,
    args: LSOF_ARGS,
    // lsof walks every process's descriptors; on macOS that often takes hundreds of ms.
    timeoutMs: options.timeoutMs ?? 10_000,
    okExitCodes: [0, 1],
    checkResult: (r) => {
      const firstError = r.stderr.split('\n').find((l) => l.trim() !== '');
      if (r.exitCode === 1 && r.stdout.trim() === '' && firstError !== undefined) {
        return hmError('SCAN_FAILED', `lsof failed: ${firstError.slice(0, 200)}`);
      }
      return null;
    },
    parse: parseLsofF,
    notes: (listeners) => {
      const notes: CompletenessNote[] = hiddenOwnersNote(listeners);
      if (!isRoot()) {
        notes.push({
          code: 'PERMISSION_LIMITED',
          message: 'lsof sees only your own processes: listeners of other users are not shown (needs admin).',
        });
      }
      return notes;
    },
  });
}
