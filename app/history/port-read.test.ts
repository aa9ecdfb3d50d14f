import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listener, processOwner, snapshot } from '../testing/fixtures.js';
import type { Listener } from '../model/listener.js';
import { historySince, portEventsFromStore, portStoryFromStore } from './port-read.js';
import { portStory, readHistory } from './query.js';
import { createHistoryRecorder } from './recorder.js';
import { openHistoryStore, type HistoryStore } from './store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hw-port-read-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PORTS = [22, 80, 3000, 5173, 8080, 41234];
const T0 = 1_800_000_000_000;

/** A busy history over many small segments: ports flap, change owner, and one is always open. */
function busyHistory(dir: string, steps = 600): { store: HistoryStore; end: number } {
  const store = openHistoryStore({ dir, maxBytes: 10_000_000, segmentBytes: 6_000 });
  const rec = createHistoryRecorder(store, 'cli');
  // A fixed pseudo-random walk, so a failure replays.
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const open = new Map<number, Listener>();
  open.set(22, listener({ port: 22, owner: processOwner({ pid: 1, name: 'sshd', command: 'sshd' }) }));
  for (let i = 0; i < steps; i += 1) {
    const port = PORTS[1 + rand(PORTS.length - 1)] ?? 80;
    if (open.has(port) && rand(3) > 0) open.delete(port);
    else {
      const pid = 100 + rand(50);
      const family = rand(4) === 0 ? 6 : 4;
      const owner = processOwner({ pid, command: `node server.js --port ${port}` });
      open.set(port, listener({ port, family, owner }));
    }
    // A database held from step 10 to step 500: only checkpoints know who opened it by then.
    if (i === 10) open.set(5432, listener({ port: 5432, owner: processOwner({ pid: 9, name: 'postgres' }) }));
    if (i === Math.min(500, steps - 5)) open.delete(5432);
    rec.observe(snapshot({ takenAt: T0 + i * 60_000, listeners: [...open.values()] }));
  }
  return { store, end: T0 + steps * 60_000 };
}

describe('reading only the segments a port question needs', () => {
  it('tells the same story of every port as the whole history does, at every moment', () => {
    const { store, end } = busyHistory(tempDir());
    expect(store.segments().length).toBeGreaterThan(8);
    const current = [
      listener({ port: 9999, owner: processOwner({ pid: 120, command: 'node server.js --port 9999' }) }),
    ];
    const whole = readHistory(store);
    for (const now of [end, end + 30 * 60_000, T0 + 300 * 60_000]) {
      for (const flapWindowMs of [3600_000, 5 * 60_000]) {
        for (const port of [...PORTS, 5432, 1]) {
          const want = portStory(whole, port, current, { now, flapWindowMs });
          const got = portStoryFromStore(store, port, current, { now, flapWindowMs });
          expect(got, `port ${port} at ${now}, window ${flapWindowMs}`).toEqual(want);
        }
      }
    }
    // The long-held port's story: its holder and since come from the record that opened it.
    expect(portStoryFromStore(store, 5432, [], { now: end }).lastHolder).toMatchObject({
      owner: { name: 'postgres' },
      since: T0 + 10 * 60_000,
      until: T0 + 500 * 60_000,
    });
  });

  it('reads no segment but the newest for a port the history never saw, once summaries exist', () => {
    const { store, end } = busyHistory(tempDir());
    portStoryFromStore(store, 1, [], { now: end }); // the first question summarises the closed segments
    const read: string[] = [];
    const counting: HistoryStore = {
      ...store,
      readSegment: (name) => {
        read.push(name);
        return store.readSegment(name);
      },
    };
    expect(portStoryFromStore(counting, 1, [], { now: end }).lastHolder).toBeNull();
    expect(read).toEqual([store.segments().at(-1)]);
    // A recent close reads back only as far as the flap window and the record that opened it.
    read.length = 0;
    portStoryFromStore(counting, 8080, [], { now: end, flapWindowMs: 60_000 });
    expect(read.length).toBeLessThan(store.segments().length / 2);
  });

  it('lists a port’s latest changes and their total like the whole history, reading again after a cache went stale', () => {
    const dir = tempDir();
    const { store } = busyHistory(dir);
    const whole = (port: number) => readHistory(store).events.filter((e) => e.port === port);
    for (const port of PORTS) {
      const got = portEventsFromStore(store, port, 5);
      expect(got.events).toEqual(whole(port).slice(-5).reverse());
      expect(got.total).toBe(whole(port).length);
    }
    // Summaries are cached beside closed segments; a write to a closed segment after its summary
    // (a writer that had not seen another's rotation) must still be seen.
    expect(readdirSync(dir).some((f) => f.endsWith('.ports.json'))).toBe(true);
    const closed = store.segments()[0] ?? '';
    const late = `${JSON.stringify({ at: T0 + 1, event: 'open', protocol: 'tcp', family: 4, address: '127.0.0.1', port: 7, owner: null, face: 'late' })}\n`;
    appendFileSync(join(dir, closed), late);
    expect(portEventsFromStore(store, 7, 5).events.map((e) => e.face)).toEqual(['late']);
    // A damaged summary is a cache miss, not a wrong answer.
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ports.json')))
      writeFileSync(join(dir, f), '{"size":1');
    expect(portEventsFromStore(store, 3000, 1000).total).toBe(whole(3000).length);
  });

  it('returns a --since window of one port or of all ports like the whole history', () => {
    const { store, end } = busyHistory(tempDir());
    const since = end - 90 * 60_000;
    const whole = readHistory(store);
    const all = historySince(store, null, since);
    expect(all.events).toEqual(whole.events.filter((e) => e.at >= since));
    expect(all.coversFrom).toBe(whole.coversFrom);
    for (const port of PORTS)
      expect(historySince(store, port, since).events).toEqual(
        whole.events.filter((e) => e.at >= since && e.port === port),
      );
    expect(historySince(store, 8080, null).events).toEqual(whole.events.filter((e) => e.port === 8080));
  });

  it('skips a torn line in a closed segment and keeps the record appended onto it', () => {
    const dir = tempDir();
    const { store } = busyHistory(dir, 200);
    const closed = store.segments()[1] ?? '';
    const text = readFileSync(join(dir, closed), 'utf8');
    const glued = `{"at":5,"event":"open","protocol":"tcp","family":4,"address":"127.0.0.1","port":6001,"own${JSON.stringify({ at: 6, event: 'open', protocol: 'tcp', family: 4, address: '127.0.0.1', port: 6002, owner: null, face: 'glued' })}\n`;
    writeFileSync(join(dir, closed), text + glued);
    expect(portEventsFromStore(store, 6001, 5).events).toEqual([]);
    expect(portEventsFromStore(store, 6002, 5).events.map((e) => e.face)).toEqual(['glued']);
    expect(historySince(store, 6002, null).events).toEqual(
      readHistory(store).events.filter((e) => e.port === 6002),
    );
  });
});
