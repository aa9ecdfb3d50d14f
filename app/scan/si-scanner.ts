import { createRequire } from 'node:module';
import { hmError, type HmError } from '../model/errors.js';
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
import { runTool } from './run-tool.js';
import type { RawListener, ScanOutcome, Scanner } from './types.js';

/**
 * Said on every systeminformation snapshot: its `networkConnections()` greps UDP lines away on
 * Linux (netstat prints no state for UDP, ss prints UNCONN) and reads them unreliably elsewhere,
 * so this backend lists TCP only rather than guess (docs/ARCHITECTURE.md#scanner-design).
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
  /** In-process stand-in for `si.networkConnections` (tests); by default it runs in a child. */
  readonly networkConnections?: () => Promise<unknown>;
  /** Environment of the child (tests put a stand-in `netstat` first on PATH). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The child that calls systeminformation: `node -e CHILD_SOURCE <path of systeminformation>`
 * prints the rows as JSON. systeminformation starts `netstat`/`ss` through a shell and cannot be
 * told to stop; in a child of its own process group they die with it when the scan is aborted.
 */
const CHILD_SOURCE =
  'require(process.argv[1]).networkConnections().then(' +
  '(r) => process.stdout.write(JSON.stringify(r)),' +
  '(e) => { process.stderr.write(String((e && e.message) || e)); process.exit(1); })';

type Rows = { ok: true; rows: unknown } | { ok: false; error: HmError };

/** Runs `si.networkConnections()` in a child process group, killed on timeout or abort. */
async function rowsFromChild(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  env: NodeJS.ProcessEnv | undefined,
): Promise<Rows> {
  let module: string;
  try {
    module = createRequire(import.meta.url).resolve('systeminformation');
  } catch {
    return { ok: false, error: hmError('TOOL_MISSING', 'The systeminformation module is not installed.') };
  }
  const r = await runTool(process.execPath, ['-e', CHILD_SOURCE, module], {
    timeoutMs,
    // Electron's binary runs as plain Node with this set; Node ignores it.
    env: { ...(env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    ...(signal ? { signal } : {}),
  });
  if (!r.ok) {
    const error =
      r.error.code === 'TIMEOUT' && !signal?.aborted
        ? hmError('TIMEOUT', `systeminformation did not answer within ${timeoutMs} ms.`)
        : r.error.code === 'SCAN_FAILED'
          ? hmError('SCAN_FAILED', `systeminformation failed: ${r.error.message.slice(0, 200)}`)
          : r.error;
    return { ok: false, error };
  }
  try {
    return { ok: true, rows: JSON.parse(r.stdout) as unknown };
  } catch {
    return {
      ok: false,
      error: hmError('SCAN_FAILED', 'systeminformation returned data of an unknown shape.'),
    };
  }
}

/** Calls an in-process stand-in, racing it against the timeout and the abort signal. */
async function rowsInProcess(
  call: () => Promise<unknown>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Rows> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<'timeout' | 'aborted'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    onAbort = () => resolve('aborted');
    if (signal?.aborted) resolve('aborted');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const rows = await Promise.race([call(), stopped]);
    if (rows === 'timeout')
      return {
        ok: false,
        error: hmError('TIMEOUT', `systeminformation did not answer within ${timeoutMs} ms.`),
      };
    if (rows === 'aborted')
      return {
        ok: false,
        error: hmError('TIMEOUT', 'systeminformation was stopped: the scan deadline passed.'),
      };
    return { ok: true, rows };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: hmError('SCAN_FAILED', `systeminformation failed: ${message.slice(0, 200)}`) };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The portable baseline: systeminformation's no-argument `si.networkConnections()` only, run in
 * a child process so a timeout or an aborted scan kills it and the tools it started (in-process,
 * a late call could not be stopped and its `netstat` would outlive the scan). TCP only, with a
 * note saying UDP is not covered. It cannot tell "netstat/ss missing" from "no listeners" (it
 * returns [] for both), which is why it is the last resort, not the first choice.
 * `si.processes()` is deliberately not called: it forks one `cat` per process (Linux) or starts
 * PowerShell (Windows) on every call; owner details come from the owner resolver instead.
 */
export function createSystemInformationScanner(options: SystemInformationScannerOptions = {}): Scanner {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let inFlight: Promise<ScanOutcome> | null = null;

  async function scanOnce(signal: AbortSignal | undefined): Promise<ScanOutcome> {
    const got = options.networkConnections
      ? await rowsInProcess(options.networkConnections, timeoutMs, signal)
      : await rowsFromChild(timeoutMs, signal, options.env);
    if (!got.ok) return { ok: false, backend: 'systeminformation', error: got.error };
    const parsed = parseSystemInformationConnections(got.rows);
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
    scan(signal?: AbortSignal): Promise<ScanOutcome> {
      inFlight ??= scanOnce(signal).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
