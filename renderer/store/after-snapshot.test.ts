import { describe, expect, it } from 'vitest';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { nextDownWatched, watchedProjectChanges } from './after-snapshot.js';

const web = listener({ port: 3000, owner: processOwner({ pid: 10, startToken: 'st-10' }) });

describe('nextDownWatched', () => {
  const before = { snapshot: snapshot([web], { seq: 1 }), listeners: [web], downWatched: new Map() };

  it('marks a watched port that stopped listening as down, with when and what held it', () => {
    const r = nextDownWatched(before, [], snapshot([], { seq: 2 }), [3000], 5000);
    expect(r.downWatched.get(3000)).toEqual({ since: 5000, last: web });
    expect(r.changes).toEqual([{ port: 3000, kind: 'down', listener: web }]);
  });

  it('a failed or stale scan is not a port going down', () => {
    const failed = snapshot([], { seq: 2, status: 'failed' });
    expect(nextDownWatched(before, [], failed, [3000], 5000)).toEqual({
      downWatched: before.downWatched,
      changes: [],
    });
    const stale = snapshot([], { seq: 2, stale: true });
    expect(nextDownWatched(before, [], stale, [3000], 5000).changes).toEqual([]);
  });

  it('ignores unwatched ports, and forgets a down port once it is back or unwatched', () => {
    expect(nextDownWatched(before, [], snapshot([], { seq: 2 }), [], 5000).changes).toEqual([]);
    const down = { ...before, listeners: [], downWatched: new Map([[3000, { since: 1, last: web }]]) };
    const back = nextDownWatched(down, [web], snapshot([web], { seq: 3 }), [3000], 6000);
    expect(back.downWatched.size).toBe(0);
    expect(back.changes).toEqual([{ port: 3000, kind: 'back', listener: web }]);
    expect(nextDownWatched(down, [], snapshot([], { seq: 3 }), [], 6000).downWatched.size).toBe(0);
  });

  it('says nothing for the first snapshot (nothing to compare with)', () => {
    const first = { snapshot: null, listeners: [], downWatched: new Map() };
    expect(nextDownWatched(first, [], snapshot([], { seq: 1 }), [3000], 1).changes).toEqual([]);
  });
});

describe('fading rows under a stream of snapshots', () => {
  it('a gone row expires even when snapshots keep arriving faster than it fades', async () => {
    const { createFakeApi } = await import('../../app/testing/fake-api.js');
    const { createAppStore, TRANSIENT_MS } = await import('./app-store.js');
    const { connectApi } = await import('./connect-api.js');
    const other = listener({ port: 4000, owner: processOwner({ pid: 11, startToken: 'st-11' }) });
    const api = createFakeApi({ snapshot: snapshot([web, other], { seq: 1 }) });
    const store = createAppStore();
    const dispose = connectApi(store, api, { lookupDelayMs: 0 });
    try {
      await new Promise((r) => setTimeout(r, 20));
      let seq = 2;
      api.push(snapshot([other], { seq: seq++ }));
      expect(store.getState().ghosts.has(web.id)).toBe(true);
      const started = Date.now();
      // A push every 200 ms (health results, a busy machine) for well past the fade time.
      while (Date.now() - started < TRANSIENT_MS * 2 + 500) {
        await new Promise((r) => setTimeout(r, 200));
        api.push(snapshot([other], { seq: seq++ }));
      }
      expect(store.getState().ghosts.has(web.id)).toBe(false);
    } finally {
      dispose();
    }
  });
});

describe('watchedProjectChanges', () => {
  // The default fixture owner runs in project "shop".
  const before = { snapshot: snapshot([web], { seq: 1 }), listeners: [web] };

  it('a project is down when none of its processes listens, and back when one does again', () => {
    expect(watchedProjectChanges(before, [], snapshot([], { seq: 2 }), ['shop'])).toEqual([
      { project: 'shop', kind: 'down', listener: web },
    ]);
    const empty = { snapshot: snapshot([], { seq: 2 }), listeners: [] };
    expect(watchedProjectChanges(empty, [web], snapshot([web], { seq: 3 }), ['shop'])).toEqual([
      { project: 'shop', kind: 'back', listener: web },
    ]);
  });

  it('says nothing for unwatched projects, failed scans or the first snapshot', () => {
    expect(watchedProjectChanges(before, [], snapshot([], { seq: 2 }), ['blog'])).toEqual([]);
    expect(watchedProjectChanges(before, [], snapshot([], { seq: 2, status: 'failed' }), ['shop'])).toEqual(
      [],
    );
    expect(
      watchedProjectChanges({ snapshot: null, listeners: [] }, [web], snapshot([web]), ['shop']),
    ).toEqual([]);
  });
});
