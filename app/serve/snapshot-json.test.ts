import { describe, expect, it } from 'vitest';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import { applySnapshotDelta, type SnapshotDelta } from '../contract/snapshot-delta.js';
import type { WsServerMessage } from '../contract/ws-protocol.js';
import { listener } from '../testing/fixtures.js';
import { createSnapshotSerializer } from './snapshot-json.js';

const at = (port: number, title: string): Listener =>
  listener({
    port,
    socketId: String(port * 7),
    service: null,
    owner: {
      kind: 'unknown',
      reason: 'permission',
      message: 'needs admin "quoted" \u202e',
      pid: null,
      uid: 0,
      user: 'root',
    },
    health: { state: 'up', kind: 'http', checkedAt: 1, latencyMs: 2, status: 200, title },
  });

const snapshot = (seq: number, listeners: Listener[]): Snapshot => ({
  seq,
  takenAt: 1000,
  durationMs: 3,
  source: 'netlink',
  status: 'ok',
  stale: false,
  notes: [],
  error: null,
  listeners,
  viewer: { uid: 0, user: 'root' },
});

describe('snapshot push serialisation', () => {
  it('parses to exactly what JSON.stringify of the message gives, for full and empty snapshots', () => {
    const serialize = createSnapshotSerializer().full;
    for (const s of [
      snapshot(1, [at(3000, 'a'), at(3001, '</script>\n'), at(3002, 'café ✓ 日本 😀')]),
      snapshot(2, []),
    ]) {
      const text = serialize(s).toString('utf8');
      expect(text.startsWith('{"type":"event","event":"snapshot"')).toBe(true);
      expect(JSON.parse(text)).toEqual(
        JSON.parse(JSON.stringify({ type: 'event', event: 'snapshot', data: s })),
      );
    }
  });

  it('re-serialises a listener whose object changed and reuses the text of unchanged ones', () => {
    const serialize = createSnapshotSerializer().full;
    const a = at(3000, 'before');
    const b = at(3001, 'same');
    serialize(snapshot(1, [a, b]));
    const a2 = { ...a, health: { ...a.health, title: 'after' } } as Listener;
    const parsed = JSON.parse(serialize(snapshot(2, [a2, b])).toString('utf8')) as { data: Snapshot };
    expect(parsed.data.seq).toBe(2);
    expect(parsed.data.listeners.map((l) => (l.health.state === 'up' ? l.health.title : ''))).toEqual([
      'after',
      'same',
    ]);
  });

  it('pushes a delta against the base that rebuilds the next snapshot, full when there is no base', () => {
    const { push } = createSnapshotSerializer();
    const a = at(3000, 'a');
    const b = at(3001, 'b');
    const c = at(3002, 'c');
    const s1 = snapshot(1, [a, b, c]);
    const first = JSON.parse(push(null, s1).toString('utf8')) as WsServerMessage;
    expect(first).toEqual(JSON.parse(JSON.stringify({ type: 'event', event: 'snapshot', data: s1 })));
    const b2 = { ...b, health: { ...b.health, title: 'b2 "quoted" 😀' } } as Listener;
    const d = at(3003, 'd');
    const s2 = { ...snapshot(2, [b2, c, d]), paused: true };
    const text = push(s1, s2).toString('utf8');
    // The seq the soak's counter reads is the pushed snapshot's, the first "seq" in the text.
    expect(text.startsWith('{"type":"event","event":"snapshot-delta","data":{"snapshot":{"seq":2,')).toBe(
      true,
    );
    const message = JSON.parse(text) as { type: 'event'; event: 'snapshot-delta'; data: SnapshotDelta };
    expect(message.data.baseSeq).toBe(1);
    expect(message.data.removed).toEqual([a.id]);
    expect(message.data.upserts.map((l) => l.port)).toEqual([3001, 3003]);
    expect(applySnapshotDelta(s1, message.data)).toEqual(JSON.parse(JSON.stringify(s2)));
    // Unchanged listeners moved relative to each other: the whole snapshot instead.
    expect(push(s1, snapshot(3, [c, a, b])).toString('utf8')).toMatch(
      /^\{"type":"event","event":"snapshot","data":\{"seq":3,/,
    );
  });
});
