import type { Listener } from './listener.js';
import { sameListener } from './same-listener.js';
import type { Snapshot, SnapshotDiff } from './snapshot.js';

/**
 * Exact diff between two snapshots by listener id: added, removed, and changed (same id, but the
 * owner, health or url differ). Order follows `next` for added/changed and `prev` for removed.
 */
export function diffSnapshots(prev: Snapshot | null, next: Snapshot): SnapshotDiff {
  const before = new Map<string, Listener>();
  for (const l of prev?.listeners ?? []) before.set(l.id, l);
  const added: Listener[] = [];
  const changed: { before: Listener; after: Listener }[] = [];
  const seen = new Set<string>();
  for (const after of next.listeners) {
    seen.add(after.id);
    const old = before.get(after.id);
    if (!old) added.push(after);
    else if (!sameListener(old, after)) changed.push({ before: old, after });
  }
  const removed = (prev?.listeners ?? []).filter((l) => !seen.has(l.id));
  return { fromSeq: prev?.seq ?? 0, toSeq: next.seq, added, removed, changed };
}
