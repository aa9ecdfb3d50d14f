import si from 'systeminformation';
import { hmError } from '../model/errors.js';
import type { Family } from '../model/listener.js';
import type { CompletenessNote } from '../model/snapshot.js';
import {
  cleanName,
  dedupeListeners,
  endpointAddress,
  parsePortText,
  rawListener,
  type ParsedListeners,
} from './parse-util.js';
import { explainHiddenOwners, hiddenOwnersNote } from './hidden-owners.js';
import type { RawListener, ScanOutcome, Scanner } from './types.js';

/**
 * Said on every systeminformation snapshot: its `networkConnections()` greps UDP lines away on
 * Linux (netstat prints no state for UDP, ss prints UNCONN) and reads them unreliably elsewhere,
 * so this backend lists TCP only rather than guess (research/scanning.md §4, §6).
 */
export const SI_NO_UDP_NOTE: CompletenessNote = {
  code: 'PARTIAL_OUTPUT',
  message: 'UDP listeners are not shown: the systeminformation backend cannot see them.',
};

/**
 * Maps `si.networkConnections()` rows to TCP listeners (state LISTEN). Family comes from the
 * protocol (`tcp6`, `tcp4`) or the address; IPv4 text on a `tcp6` row is a v4-mapped bind. UDP
 * rows are never turned into listeners. Rows of the wrong shape are counted in `skipped`.
 */
export function parseSystemInformationConnections(rows: unknown): ParsedListeners {
  if (!Array.isArray(rows)) return { listeners: [], skipped: 1 };
  const listeners: RawListener[] = [];
  let skipped = 0;
  for (const row of rows as unknown[]) {
    if (typeof row !== 'object' || row === null) {
      skipped += 1;
      continue;
    }
    const r = row as Record<string, unknown>;
    const protocol = typeof r['protocol'] === 'string' ? r['protocol'].toLowerCase() : '';
    if (!protocol.startsWith('tcp')) continue;
    if (r['state'] !== 'LISTEN') continue;
    let host = typeof r['localAddress'] === 'string' ? r['localAddress'].trim() : '';
    const port = parsePortText(String(r['localPort'] ?? ''));
    if (host === '' || port === null) {
      skipped += 1;
      continue;
    }
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    let zone: string | null = null;
    const pct = host.indexOf('%');
    if (pct >= 0) {
      zone = host.slice(pct + 1);
      host = host.slice(0, pct);
    }
    const family: Family = protocol.endsWith('6')
      ? 6
      : protocol.endsWith('4')
        ? 4
        : host.includes(':')
          ? 6
          : 4;
    const address = endpointAddress(host, zone, family);
    if (address === null) {
      skipped += 1;
      continue;
    }
    const pidValue = r['pid'];
    const pid = typeof pidValue === 'number' && Number.isInteger(pidValue) && pidValue > 0 ? pidValue : null;
    const name = typeof r['process'] === 'string' && r['process'] !== '' ? cleanName(r['process']) : null;
    listeners.push(rawListener({ protocol: 'tcp', family, address, port, pid, processName: name }));
  }
  return { listeners: dedupeListeners(listeners), skipped };
}

/** Options for {@link createSystemInformationScanner}. */
export interface SystemInformationScannerOptions {
  readonly timeoutMs?: number;
  /** Stand-in for `si.networkConnections` (tests); the real call takes no arguments. */
  readonly networkConnections?: () => Promise<unknown>;
}

/**
 * The portable baseline: systeminformation's no-argument `si.networkConnections()` only. It has
 * no timeout of its own, so a slow call is reported as TIMEOUT (its late result is dropped). TCP
 * only, with a note saying UDP is not covered. It cannot tell "netstat/ss missing" from "no
 * listeners" (it returns [] for both), which is why it is the last resort, not the first choice.
 * `si.processes()` is deliberately not called: it forks one `cat` per process (Linux) or starts
 * PowerShell (Windows) on every call; owner details come from the owner resolver instead.
 */
export function createSystemInformationScanner(options: SystemInformationScannerOptions = {}): Scanner {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const networkConnections = options.networkConnections ?? (() => si.networkConnections());
  let inFlight: Promise<ScanOutcome> | null = null;

  async function scanOnce(): Promise<ScanOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let rows: unknown;
    try {
      rows = await Promise.race([networkConnections(), timeout]);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return {
        ok: false,
        backend: 'systeminformation',
        error: hmError('SCAN_FAILED', `systeminformation failed: ${message.slice(0, 200)}`),
      };
    } finally {
      clearTimeout(timer);
    }
    if (rows === 'timeout') {
      return {
        ok: false,
        backend: 'systeminformation',
        error: hmError('TIMEOUT', `systeminformation did not answer within ${timeoutMs} ms.`),
      };
    }
    const parsed = parseSystemInformationConnections(rows);
    const skipped = parsed.skipped;
    const listeners = explainHiddenOwners(parsed.listeners);
    if (listeners.length === 0 && skipped > 0) {
      return {
        ok: false,
        backend: 'systeminformation',
        error: hmError('SCAN_FAILED', 'systeminformation returned data of an unknown shape.'),
      };
    }
    const notes: CompletenessNote[] = [SI_NO_UDP_NOTE, ...hiddenOwnersNote(listeners)];
    if (skipped > 0) {
      notes.push({
        code: 'PARTIAL_OUTPUT',
        message: `${skipped} systeminformation rows could not be read.`,
        count: skipped,
      });
    }
    return { ok: true, backend: 'systeminformation', listeners, notes };
  }

  return {
    id: 'systeminformation',
    scan(): Promise<ScanOutcome> {
      inFlight ??= scanOnce().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
