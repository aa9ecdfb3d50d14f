import type { Snapshot } from '../model/snapshot.js';

/** Read access to the current truth, used by actions (kill, lookup, open) and the faces. */
export interface SnapshotSource {
  /** The latest snapshot, or null before the first scan. */
  latest(): Snapshot | null;
  /** Scans now (joining a scan already in flight) and returns the fresh snapshot. */
  refresh(): Promise<Snapshot>;
  /** True while a scan is in flight; when absent, callers assume one may be. */
  scanning?(): boolean;
}
