import { SS_ARGS } from './parse-ss.js';
import { parseSsWithProcEvidence } from './ss-family-evidence.js';
import { createToolScanner, hiddenOwnersNote } from './tool-scanner.js';
import type { Scanner } from './types.js';

/** Where iproute2 installs `ss` on the distributions we know. */
export const SS_PATHS: readonly string[] = ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/sbin/ss'];

/** Options for {@link createSsScanner}; tests point `candidates` at stand-ins. */
export interface SsScannerOptions {
  readonly candidates?: readonly string[];
  readonly timeoutMs?: number;
  /** Where the inode cross-check reads /proc/net (tests point it at recorded files). */
  readonly procNetRoot?: string;
}

/**
 * Linux `ss -Htulnpe` backend: TCP LISTEN and UDP UNCONN with owning pids (one row per pid for
 * shared sockets). Without root, other users' sockets are still listed with pid null, and the
 * outcome carries an OWNERS_HIDDEN note with their count.
 */
export function createSsScanner(options: SsScannerOptions = {}): Scanner {
  return createToolScanner({
    backend: 'ss',
    toolName: 'ss',
    candidates: options.candidates ?? SS_PATHS,
    args: SS_ARGS,
    timeoutMs: options.timeoutMs ?? 5000,
    parse: (stdout) => parseSsWithProcEvidence(stdout, options.procNetRoot),
    notes: hiddenOwnersNote,
  });
}
