import { describe, expect, it } from 'vitest';
import { diffSnapshots } from './diff.js';
import type { Listener } from './listener.js';
import type { Snapshot } from './snapshot.js';
import { listener as fixture, snapshot } from '../testing/fixtures.js';

const listener = (id: string, port: number, extra: Partial<Listener> = {}): Listener =>
  fixture({ id, port, socketId: id, ...extra });
const snap = (seq: number, listeners: Listener[]): Snapshot =>
  snapshot({ seq, takenAt: seq, durationMs: 1, listeners });

describe('diffSnapshots', () => {
  it('is exact: added, removed and changed by id; equal content is not a change', () => {
    const a = listener('a', 1000);
    const b = listener('b', 2000);
    const c = listener('c', 3000);
    const prev = snap(1, [a, b]);
    const next = snap(2, [{ ...a }, { ...b, health: { state: 'refused', checkedAt: 5, latencyMs: 1 } }, c]);
    const d = diffSnapshots(prev, next);
    expect(d.added.map((l) => l.id)).toEqual(['c']);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((x) => x.after.id)).toEqual(['b']);
    expect(diffSnapshots(next, snap(3, [c])).removed.map((l) => l.id)).toEqual(['a', 'b']);
    expect(diffSnapshots(null, prev).added).toHaveLength(2);
  });
  it('ignores key order inside owners and health', () => {
    const a = listener('a', 1000, { health: { state: 'refused', checkedAt: 1, latencyMs: 2 } });
    const reordered = listener('a', 1000, {
      health: { latencyMs: 2, checkedAt: 1, state: 'refused' } as Listener['health'],
    });
    expect(diffSnapshots(snap(1, [a]), snap(2, [reordered])).changed).toEqual([]);
  });
});
