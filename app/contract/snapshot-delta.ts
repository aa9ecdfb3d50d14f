import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';

/** Every field of a snapshot but its listeners: what a delta push carries whole. */
export type SnapshotHead = Omit<Snapshot, 'listeners'>;

/**
 * A snapshot push as the change from the snapshot the same connection received before it (issue
 * 14 item 4: a full push of 1000 listeners is ~0.6 MB, and 10 % of them change per poll). The
 * new listener array is: `upserts[u]` at index `at[u]`, and every other slot filled, in order, by
 * the base's listeners that are neither removed nor upserted, in their base order. The server
 * sends a full snapshot instead whenever that cannot describe the new order.
 */
export interface SnapshotDelta {
  /** Every field of the new snapshot except `listeners`. */
  readonly snapshot: SnapshotHead;
  /** The `seq` of the snapshot this applies to: the last one pushed on this connection. */
  readonly baseSeq: number;
  /** Ids of the base's listeners that are gone. */
  readonly removed: readonly string[];
  /** Where each upsert goes in the new array: as long as `upserts`, strictly increasing. */
  readonly at: readonly number[];
  /** Listeners added or changed (a changed one replaces the base's listener of the same id). */
  readonly upserts: readonly Listener[];
}

/** The listener part of a {@link SnapshotDelta}. */
export type ListenerChanges = Pick<SnapshotDelta, 'removed' | 'at' | 'upserts'>;

/** Position of every listener id in an array; `null` when an id occurs twice. */
export function indexListeners(listeners: readonly Listener[]): Map<string, number> | null {
  const index = new Map<string, number>();
  listeners.forEach((l, i) => index.set(l.id, i));
  return index.size === listeners.length ? index : null;
}

/**
 * What changed from `base` to `next`. The core never mutates a listener and keeps its object while
 * it is unchanged (app/watch/snapshotter.ts), so a listener is unchanged exactly when `next` holds
 * the very object `base` held for its id; any other object is sent again. Returns `null` when a
 * delta cannot describe `next` (the unchanged listeners moved relative to each other, or an id
 * occurs twice): the caller then sends the full snapshot. The indexes may come from a cache.
 */
export function diffListeners(
  base: readonly Listener[],
  next: readonly Listener[],
  baseIndex: Map<string, number> | null = indexListeners(base),
  nextIndex: Map<string, number> | null = indexListeners(next),
): ListenerChanges | null {
  if (baseIndex === null || nextIndex === null) return null;
  const upserts: Listener[] = [];
  const at: number[] = [];
  let lastKept = -1;
  for (let i = 0; i < next.length; i += 1) {
    const l = next[i] as Listener;
    const j = baseIndex.get(l.id);
    if (j !== undefined && base[j] === l) {
      if (j < lastKept) return null;
      lastKept = j;
    } else {
      upserts.push(l);
      at.push(i);
    }
  }
  const removed: string[] = [];
  for (const l of base) if (!nextIndex.has(l.id)) removed.push(l.id);
  return { removed, at, upserts };
}

function isIdList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * The snapshot a delta describes, built on `base` (the last snapshot this connection received):
 * listeners the delta does not name are `base`'s own objects. Returns `null` — never a guess —
 * when the delta does not fit `base` (another `baseSeq`, an unknown removed id, indexes that do
 * not add up) or is malformed; the client then asks for a full snapshot.
 */
export function applySnapshotDelta(base: Snapshot, delta: SnapshotDelta): Snapshot | null {
  if (typeof delta !== 'object' || delta === null) return null;
  const { snapshot, removed, at, upserts } = delta as Partial<SnapshotDelta>;
  if (delta.baseSeq !== base.seq || typeof snapshot !== 'object' || snapshot === null) return null;
  if (typeof snapshot.seq !== 'number' || snapshot.seq <= base.seq) return null;
  if (!isIdList(removed) || !Array.isArray(at) || !Array.isArray(upserts)) return null;
  if (at.length !== upserts.length) return null;
  const upserted = new Set<string>();
  for (const l of upserts as readonly unknown[]) {
    if (typeof l !== 'object' || l === null || typeof (l as Listener).id !== 'string') return null;
    upserted.add((l as Listener).id);
  }
  const gone = new Set(removed);
  if (upserted.size !== upserts.length || gone.size !== removed.length) return null;
  const baseIds = new Set(base.listeners.map((l) => l.id));
  for (const id of gone) if (!baseIds.has(id) || upserted.has(id)) return null;
  const kept = base.listeners.filter((l) => !gone.has(l.id) && !upserted.has(l.id));
  const total = kept.length + upserts.length;
  const listeners: Listener[] = new Array<Listener>(total);
  let u = 0;
  let k = 0;
  for (let i = 0; i < total; i += 1) {
    if (u < at.length && at[u] === i) listeners[i] = upserts[u++] as Listener;
    else if (k < kept.length) listeners[i] = kept[k++] as Listener;
    else return null;
  }
  // Every upsert placed (so `at` was increasing and in range) and every kept listener used.
  if (u !== at.length || k !== kept.length) return null;
  return { ...snapshot, listeners };
}
