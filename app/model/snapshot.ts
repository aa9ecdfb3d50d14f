import type { ContainerSection } from './container.js';
import type { HmError } from './errors.js';
import type { Listener } from './listener.js';

/** Which backend produced a snapshot. */
export type BackendId =
  | 'netlink'
  | 'procfs'
  | 'ss'
  | 'lsof'
  | 'macos-netstat'
  | 'windows-netstat'
  | 'windows-powershell'
  | 'systeminformation';

/** Something that makes a snapshot less than the whole truth, said plainly. */
export interface CompletenessNote {
  readonly code:
    'OWNERS_HIDDEN' | 'PERMISSION_LIMITED' | 'FALLBACK' | 'TOOL_MISSING' | 'TIMEOUT' | 'PARTIAL_OUTPUT';
  readonly message: string;
  readonly count?: number;
}

/**
 * `ok`: the scan worked and every owner is known; `partial`: it worked but some owners are hidden
 * or a part failed; `failed`: the scan failed — the listeners are then the last good ones and
 * `stale` is true, never an empty list standing for "nothing listens".
 */
export type SnapshotStatus = 'ok' | 'partial' | 'failed';

/** One consistent view of every listener on the machine. */
export interface Snapshot {
  /** Strictly increasing within one core instance. */
  readonly seq: number;
  readonly takenAt: number;
  /** Wall time the scan took. */
  readonly durationMs: number;
  readonly source: BackendId;
  readonly status: SnapshotStatus;
  /** True when `listeners` are carried over from an earlier scan because this one failed. */
  readonly stale: boolean;
  readonly notes: readonly CompletenessNote[];
  readonly error: HmError | null;
  readonly listeners: readonly Listener[];
  /**
   * Who Harbormaster runs as, so faces can tell "my processes" from other users' and system ones
   * (when it runs as root, root's processes are the user's own).
   */
  readonly viewer?: Viewer;
  /** Scanning is paused (by any face: tray, window, CLI); the listeners are the last scan's. */
  readonly paused?: boolean;
  /** Running containers and their published ports, when a container engine is present. */
  readonly containers?: ContainerSection;
}

/** The user the core runs as. */
export interface Viewer {
  readonly uid: number | null;
  readonly user: string | null;
}

/** What changed between two snapshots. */
export interface SnapshotDiff {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly added: readonly Listener[];
  readonly removed: readonly Listener[];
  /** Same id, different owner, health or url. */
  readonly changed: readonly { readonly before: Listener; readonly after: Listener }[];
}

/** True when a diff has no additions, removals or changes. */
export function isEmptyDiff(diff: SnapshotDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
