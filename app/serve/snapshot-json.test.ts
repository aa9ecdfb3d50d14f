import { describe, expect, it } from 'vitest';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import { createSnapshotSerializer } from './snapshot-json.js';

const listener = (port: number, title: string): Listener => ({
  id: `tcp4|127.0.0.1|${port}|${port * 7}`,
  protocol: 'tcp',
  family: 4,
  address: '127.0.0.1',
  port,
  exposure: 'loopback',
  portRange: 'registered',
  service: null,
  socketId: String(port * 7),
  owner: {
    kind: 'unknown',
    reason: 'permission',
    message: 'needs admin "quoted" \u202e',
    pid: null,
    uid: 0,
    user: 'root',
  },
  health: { state: 'up', kind: 'http', checkedAt: 1, latencyMs: 2, status: 200, title },
  url: `http://127.0.0.1:${port}/`,
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
    const serialize = createSnapshotSerializer();
    for (const s of [
      snapshot(1, [listener(3000, 'a'), listener(3001, '</script>\n'), listener(3002, 'café ✓ 日本 😀')]),
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
    const serialize = createSnapshotSerializer();
    const a = listener(3000, 'before');
    const b = listener(3001, 'same');
    serialize(snapshot(1, [a, b]));
    const a2 = { ...a, health: { ...a.health, title: 'after' } } as Listener;
    const parsed = JSON.parse(serialize(snapshot(2, [a2, b])).toString('utf8')) as { data: Snapshot };
    expect(parsed.data.seq).toBe(2);
    expect(parsed.data.listeners.map((l) => (l.health.state === 'up' ? l.health.title : ''))).toEqual([
      'after',
      'same',
    ]);
  });
});
