import type { HmError } from '../model/errors.js';
import type { Family, Protocol, UnknownReason } from '../model/listener.js';
import type { BackendId, CompletenessNote } from '../model/snapshot.js';

/**
 * One listening socket as a backend reports it, before owners are resolved and before
 * classification. Parsers produce these from text; adapters from the OS.
 */
export interface RawListener {
  readonly protocol: Protocol;
  /** Null when the backend could not tell the family (see Listener.family). */
  readonly family: Family | null;
  /** Canonical textual bind address (`127.0.0.1`, `::1`, `0.0.0.0`, `::`). */
  readonly address: string;
  readonly port: number;
  /** Kernel socket id (Linux inode) when known. */
  readonly socketId: string | null;
  /** Socket owner uid when the backend reports it. */
  readonly uid: number | null;
  /** Owning pid, or null when the backend could not tell (another user's process, …). */
  readonly pid: number | null;
  /** Process name as the tool printed it (may be truncated), when it printed one. */
  readonly processName: string | null;
  /** Why `pid` is null, when the backend can tell (default: `permission`). */
  readonly unknownReason?: UnknownReason;
}

/** What one scan of one backend found. "No listeners" is `ok` with an empty list. */
export type ScanOutcome =
  | {
      readonly ok: true;
      readonly backend: BackendId;
      readonly listeners: readonly RawListener[];
      readonly notes: readonly CompletenessNote[];
    }
  | {
      readonly ok: false;
      readonly backend: BackendId;
      /** TOOL_MISSING, EPERM (permission-limited), TIMEOUT or SCAN_FAILED: distinct states. */
      readonly error: HmError;
    };

/**
 * One way of listing listeners. Implementations never run two scans at once themselves. When
 * `signal` aborts (the scan deadline passed), the scan stops: child processes are killed with
 * their process group, and the promise settles (as a TIMEOUT failure) once they are gone, so a
 * settled scan leaves no scanner process behind.
 */
export interface Scanner {
  readonly id: BackendId;
  scan(signal?: AbortSignal): Promise<ScanOutcome>;
  /** Releases sockets, workers and caches. */
  dispose?(): void;
}
