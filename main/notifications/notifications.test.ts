import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../app/model/diff.js';
import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import { listener, processOwner, settingsWith, snapshot } from '../../app/testing/fixtures.js';
import { parseRouteHash, routeHash } from '../../app/model/window-route.js';
import { MAX_NEW_LISTENER_NOTIFICATIONS, notificationsFor, type WatchedState } from './notifications-for.js';

const api = listener({
  port: 3000,
  owner: processOwner({ pid: 100, name: 'node', project: { name: 'shop', root: '/s', kind: 'node' } }),
});
const db = listener({ port: 5432, owner: processOwner({ pid: 200, name: 'postgres' }) });

/** Runs the decision over a sequence of scans, like the main process does. */
function run(scans: readonly (readonly Listener[])[], settings: Settings, opts: { failAt?: number } = {}) {
  let prev = null as ReturnType<typeof snapshot> | null;
  let watched: WatchedState | null = null;
  const out: { title: string; body: string; listenerId: string | null }[][] = [];
  scans.forEach((listeners, i) => {
    const failed = opts.failAt === i;
    const next = snapshot(failed ? (prev?.listeners ?? []) : listeners, {
      seq: i + 1,
      ...(failed ? { status: 'failed' as const, stale: true } : {}),
    });
    const r = notificationsFor({
      diff: diffSnapshots(prev, next),
      snapshot: next,
      settings,
      previous: watched,
      platform: 'linux',
    });
    out.push(r.notifications);
    watched = r.watched;
    prev = next;
  });
  return out;
}

describe('notificationsFor', () => {
  it('shows & in names as typed on every platform (only menu labels escape it)', () => {
    const rnd = listener({
      port: 3000,
      owner: processOwner({ pid: 100, name: 'R&D', project: { name: 'a&b', root: '/s', kind: 'node' } }),
    });
    for (const platform of ['win32', 'linux', 'darwin'] as const) {
      const first = snapshot([rnd], { seq: 1 });
      const second = snapshot([], { seq: 2 });
      const settings = settingsWith({ watchedPorts: [3000] });
      const a = notificationsFor({
        diff: diffSnapshots(null, first),
        snapshot: first,
        settings,
        previous: null,
        platform,
      });
      const b = notificationsFor({
        diff: diffSnapshots(first, second),
        snapshot: second,
        settings,
        previous: a.watched,
        platform,
      });
      expect(b.notifications[0]?.body, platform).toBe('R&D (pid 100) · a&b stopped listening.');
    }
  });

  it('notifies when a watched port goes down and when it comes back', () => {
    const n = run([[api, db], [db], [db], [api, db]], settingsWith({ watchedPorts: [3000] }));
    expect(n[0]).toEqual([]);
    expect(n[1]).toEqual([
      // Clicking it opens the diagnosis for the port (issue 13), not a row that is gone.
      {
        title: 'Port 3000 is down',
        body: 'node (pid 100) · shop stopped listening.',
        listenerId: api.id,
        why: '3000',
      },
    ]);
    expect(n[2]).toEqual([]);
    expect(n[3]).toEqual([
      { title: 'Port 3000 is back', body: 'node (pid 100) · shop is listening again.', listenerId: api.id },
    ]);
  });

  it('watches a project across its ports', () => {
    const n = run([[api], [], [api]], settingsWith({ watchedProjects: ['shop'] }));
    expect(n.map((x) => x.map((y) => y.title))).toEqual([
      [],
      ['Project shop is down'],
      ['Project shop is back'],
    ]);
  });

  it('says nothing on the first scan, even for a watched port that is already down', () => {
    expect(run([[db]], settingsWith({ watchedPorts: [3000], notifyNewListeners: true }))).toEqual([[]]);
  });

  it('does not treat a failed scan as a port going down, nor its recovery as a comeback', () => {
    const n = run([[api], [], [api]], settingsWith({ watchedPorts: [3000] }), { failAt: 1 });
    expect(n).toEqual([[], [], []]);
  });

  it('keeps the watched state through a failed scan so a real outage after it is still reported', () => {
    const n = run([[api], [api], []], settingsWith({ watchedPorts: [3000] }), { failAt: 1 });
    expect(n[2]?.map((x) => x.title)).toEqual(['Port 3000 is down']);
  });

  it('notifies about new listeners only when enabled, and not twice for a watched comeback', () => {
    expect(run([[db], [db, api]], settingsWith())).toEqual([[], []]);
    const on = run([[db], [db, api]], settingsWith({ notifyNewListeners: true }));
    expect(on[1]).toEqual([
      { title: 'New listener on port 3000', body: 'node (pid 100) · shop on 127.0.0.1', listenerId: api.id },
    ]);
    const both = run([[api], [], [api]], settingsWith({ notifyNewListeners: true, watchedPorts: [3000] }));
    expect(both[2]?.map((x) => x.title)).toEqual(['Port 3000 is back']);
  });

  it('summarises a burst of new listeners in one notification', () => {
    const burst = Array.from({ length: MAX_NEW_LISTENER_NOTIFICATIONS + 4 }, (_, i) =>
      listener({ port: 4000 + i }),
    );
    const n = run([[], burst], settingsWith({ notifyNewListeners: true }));
    expect(n[1]).toEqual([
      { title: '7 new listeners', body: ':4000, :4001, :4002, :4003, :4004, …', listenerId: null },
    ]);
  });

  it('does not notify for a port that was just added to the watch list', () => {
    const settings = settingsWith();
    const first = notificationsFor({
      diff: diffSnapshots(null, snapshot([db])),
      snapshot: snapshot([db]),
      settings,
      previous: null,
      platform: 'linux',
    });
    const next = snapshot([db], { seq: 2 });
    const r = notificationsFor({
      diff: diffSnapshots(snapshot([db]), next),
      snapshot: next,
      settings: settingsWith({ watchedPorts: [3000] }),
      previous: first.watched,
      platform: 'linux',
    });
    expect(r.notifications).toEqual([]);
    expect(r.watched.get('port:3000')).toBe(false);
  });
});

describe('window routes', () => {
  it('encodes the row to focus in the fragment and reads it back', () => {
    const id = 'tcp6:[::1]:5173#x y';
    expect(routeHash({ kind: 'focus', listenerId: id })).toBe('#focus=tcp6%3A%5B%3A%3A1%5D%3A5173%23x%20y');
    expect(parseRouteHash(routeHash({ kind: 'focus', listenerId: id }))).toEqual({
      kind: 'focus',
      listenerId: id,
    });
    expect(routeHash({ kind: 'lookup' })).toBe('#lookup');
    expect(parseRouteHash('#lookup')).toEqual({ kind: 'lookup' });
    expect(parseRouteHash('#focus=%E0%A4%A')).toEqual({ kind: 'list' });
    expect(routeHash({ kind: 'list' })).toBe('');
  });
});
