import { describe, expect, it } from 'vitest';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import { listener, snapshot } from '../testing/fixtures.js';
import { applySnapshotDelta, diffListeners, type SnapshotDelta } from './snapshot-delta.js';

const at = (port: number): Listener => listener({ port, socketId: String(port) });
const changed = (l: Listener, title: string): Listener => ({
  ...l,
  health: { state: 'up', kind: 'http', checkedAt: 5, latencyMs: 1, status: 200, title },
});

/** The delta the server would send from `base` to `next`, as the client parses it. */
function delta(base: Snapshot, next: Snapshot): SnapshotDelta {
  const changes = diffListeners(base.listeners, next.listeners);
  if (changes === null) throw new Error('no delta');
  const { listeners: _l, ...head } = next;
  return JSON.parse(JSON.stringify({ snapshot: head, baseSeq: base.seq, ...changes })) as SnapshotDelta;
}

describe('snapshot deltas', () => {
  const a = at(3000);
  const b = at(3001);
  const c = at(3002);
  const d = at(3003);
  const base = snapshot([a, b, c, d], { seq: 7, takenAt: 100 });

  it('sends only added and changed listeners and the ids removed, and rebuilds the exact array', () => {
    const b2 = changed(b, 'new title');
    const e = at(3004);
    const x = at(2999);
    const next = snapshot([x, a, b2, d, e], { seq: 8, takenAt: 200, status: 'partial' });
    const changes = diffListeners(base.listeners, next.listeners);
    expect(changes).toEqual({ removed: [c.id], at: [0, 2, 4], upserts: [x, b2, e] });
    const rebuilt = applySnapshotDelta(base, delta(base, next));
    expect(rebuilt).toEqual(next);
    // Unchanged listeners are the base's own objects (React memo sees them unchanged).
    expect(rebuilt?.listeners[1]).toBe(a);
    expect(rebuilt?.listeners[3]).toBe(d);
    expect(rebuilt?.listeners[2]).not.toBe(b);
  });

  it('handles everything removed, nothing changed and an empty base', () => {
    const empty = snapshot([], { seq: 8 });
    expect(applySnapshotDelta(base, delta(base, empty))?.listeners).toEqual([]);
    const same = snapshot(base.listeners, { seq: 8 });
    expect(diffListeners(base.listeners, same.listeners)).toEqual({ removed: [], at: [], upserts: [] });
    const rebuilt = applySnapshotDelta(base, delta(base, same));
    expect(rebuilt?.listeners.every((l, i) => l === base.listeners[i])).toBe(true);
    const from = snapshot([], { seq: 1 });
    const to = snapshot([a, b], { seq: 2 });
    expect(applySnapshotDelta(from, delta(from, to))).toEqual(to);
  });

  it('carries the non-listener fields of the new snapshot, including ones that went away', () => {
    const paused = { ...base, paused: true, notes: [{ code: 'FALLBACK' as const, message: 'ss' }] };
    const next = snapshot(base.listeners, { seq: 8, stale: true });
    const rebuilt = applySnapshotDelta(paused, delta(paused, next));
    expect(rebuilt).toEqual(next);
    expect(rebuilt && 'paused' in rebuilt).toBe(false);
  });

  it('cannot describe unchanged listeners that moved relative to each other: the server sends full', () => {
    expect(diffListeners([a, b, c], [a, c, b])).toBeNull();
    // A changed listener may move: it is sent with its new place.
    const b2 = changed(b, 'moved');
    const moved = snapshot([a, c, b2, d], { seq: 8 });
    expect(applySnapshotDelta(base, delta(base, moved))).toEqual(moved);
    // Two listeners with one id cannot be indexed.
    expect(diffListeners([a, a], [a])).toBeNull();
    expect(diffListeners([a], [a, a])).toBeNull();
  });

  it('refuses a delta built on another snapshot (a gap) instead of guessing', () => {
    const next = snapshot([a, b, d], { seq: 9 });
    const gap = { ...delta(base, next), baseSeq: 6 };
    expect(applySnapshotDelta(base, gap)).toBeNull();
    // The snapshot the delta was made for had seq 7 too but other listeners (another server).
    const other = snapshot([at(4000)], { seq: 7 });
    expect(applySnapshotDelta(other, delta(base, next))).toBeNull();
  });

  it('refuses malformed deltas', () => {
    const next = snapshot([a, at(3005), d], { seq: 8 });
    const good = delta(base, next);
    const bad: unknown[] = [
      { ...good, at: [] },
      { ...good, at: [5] },
      { ...good, at: [1, 1] },
      { ...good, removed: [...good.removed, 'nope'] },
      { ...good, removed: [b.id, b.id] },
      { ...good, upserts: [good.upserts[0], good.upserts[0]], at: [1, 2] },
      { ...good, upserts: [null] },
      { ...good, removed: 'x' },
      { ...good, snapshot: null },
      { ...good, snapshot: { ...good.snapshot, seq: 7 } },
      null,
      'delta',
    ];
    expect(applySnapshotDelta(base, good)).toEqual(next);
    for (const d2 of bad) expect(applySnapshotDelta(base, d2 as SnapshotDelta)).toBeNull();
  });
});
