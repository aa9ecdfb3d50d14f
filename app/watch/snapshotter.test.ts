import { describe, expect, it } from 'vitest';
import { ok } from '../model/errors.js';
import type { Health } from '../model/health.js';
import type { ProcessOwner } from '../model/listener.js';
import type { OwnerResolver } from '../owners/types.js';
import type { RawListener, ScanOutcome, Scanner } from '../scan/types.js';
import { processOwner } from '../testing/fixtures.js';
import { createSnapshotter, ownerFor } from './snapshotter.js';

const raw = (port: number, pid: number | null, extra: Partial<RawListener> = {}): RawListener => ({
  protocol: 'tcp',
  family: 4,
  address: '127.0.0.1',
  port,
  socketId: String(port * 10),
  uid: 1000,
  pid,
  processName: null,
  ...extra,
});
const owner = (pid: number): ProcessOwner =>
  processOwner({
    pid,
    startToken: '1',
    startedAt: 0,
    name: `p${pid}`,
    command: `p${pid} --serve`,
    user: 'alice',
  });
const owners: OwnerResolver = {
  resolve: async (pids) =>
    new Map(
      pids.map(
        (p) =>
          [p, p === 666 ? { ok: false, error: { code: 'EPERM', message: 'no' } } : ok(owner(p))] as const,
      ),
    ),
  readIdentity: async (pid) => ok({ pid, startToken: '1', exe: null, name: `p${pid}` }),
  userName: (uid) => (uid === 0 ? 'root' : 'alice'),
};
/** A successful procfs scan that found `listeners`. */
const found = (...listeners: RawListener[]): ScanOutcome => ({
  ok: true,
  backend: 'procfs',
  notes: [],
  listeners,
});
const scripted = (outcomes: (() => ScanOutcome | Promise<ScanOutcome>)[]): Scanner => {
  let i = 0;
  return {
    id: 'procfs',
    scan: async () => (outcomes[Math.min(i++, outcomes.length - 1)] as () => ScanOutcome)(),
  };
};

describe('createSnapshotter', () => {
  it('classifies, attaches owners, numbers snapshots and sorts by port', async () => {
    const s = createSnapshotter({
      scanner: scripted([() => found(raw(5432, 7), raw(3000, 9, { address: '0.0.0.0' }))]),
      owners,
      urlFor: (l) => (l.port === 3000 ? 'http://127.0.0.1:3000/' : null),
    });
    const snap = await s.take();
    expect(snap).toMatchObject({ seq: 1, status: 'ok', stale: false, error: null });
    expect(snap.listeners.map((l) => [l.port, l.exposure, l.portRange, l.service?.name, l.url])).toEqual([
      [3000, 'all-interfaces', 'registered', 'dev server', 'http://127.0.0.1:3000/'],
      [5432, 'loopback', 'registered', 'PostgreSQL', null],
    ]);
    expect(snap.listeners[0]?.owner).toMatchObject({ kind: 'process', pid: 9 });
  });

  it('shows unreadable and unreported owners as unknown with the reason, and marks the snapshot partial', async () => {
    const s = createSnapshotter({
      scanner: scripted([() => found(raw(22, null, { uid: 0 }), raw(8080, 666))]),
      owners,
    });
    const snap = await s.take();
    expect(snap.status).toBe('partial');
    expect(snap.listeners[0]?.owner).toMatchObject({
      kind: 'unknown',
      reason: 'permission',
      user: 'root',
      pid: null,
    });
    expect(snap.listeners[1]?.owner).toMatchObject({ kind: 'unknown', reason: 'permission', pid: 666 });
  });

  it('keeps the last good listeners, marked stale, when a scan fails — never an empty list', async () => {
    const s = createSnapshotter({
      scanner: scripted([
        () => found(raw(3000, 9)),
        () => ({ ok: false, backend: 'procfs', error: { code: 'EPERM', message: 'hidden' } }),
      ]),
      owners,
    });
    await s.take();
    const failed = await s.take();
    expect(failed).toMatchObject({ seq: 2, status: 'failed', stale: true, error: { code: 'EPERM' } });
    expect(failed.listeners.map((l) => l.port)).toEqual([3000]);
  });

  it('a first scan that fails is failed with no listeners and not stale (nothing to carry over)', async () => {
    const s = createSnapshotter({
      scanner: scripted([
        () => ({
          ok: false,
          backend: 'ss',
          error: { code: 'TOOL_MISSING', message: 'ss is not installed.' },
        }),
      ]),
      owners,
    });
    expect(await s.take()).toMatchObject({
      status: 'failed',
      stale: false,
      listeners: [],
      error: { code: 'TOOL_MISSING' },
    });
  });

  it('turns a scan slower than its deadline into a TIMEOUT failure', async () => {
    const s = createSnapshotter({
      scanner: scripted([() => new Promise<ScanOutcome>(() => undefined)]),
      owners,
      timeoutMs: 50,
    });
    expect(await s.take()).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
  });

  it('rebuilds with fresh health under a new seq without scanning', async () => {
    let health: 'unknown' | 'refused' = 'unknown';
    let scans = 0;
    const s = createSnapshotter({
      scanner: {
        id: 'procfs',
        scan: async () => (scans++, found(raw(3000, 9))),
      },
      owners,
      healthOf: () =>
        health === 'unknown' ? { state: 'unknown' } : { state: 'refused', checkedAt: 1, latencyMs: 1 },
    });
    await s.take();
    health = 'refused';
    const again = s.rebuild();
    expect(again?.seq).toBe(2);
    expect(again?.listeners[0]?.health.state).toBe('refused');
    expect(scans).toBe(1);
  });

  it('hands back the very same listener list when the scan, the owners and every health are unchanged', async () => {
    let cached = owner(9);
    let health: Health = { state: 'unknown' };
    const raws = [raw(3000, 9), raw(22, null, { uid: 0 })];
    let scanned = raws;
    const s = createSnapshotter({
      scanner: {
        id: 'netlink',
        scan: async () => ({ ok: true, backend: 'netlink', notes: [], listeners: scanned }),
      },
      owners: { ...owners, resolve: async (pids) => new Map(pids.map((p) => [p, ok(cached)] as const)) },
      healthOf: () => health,
    });
    const a = await s.take();
    const b = await s.take();
    expect(b.listeners).toBe(a.listeners);
    expect(b.seq).toBe(a.seq + 1);
    // Any one of the three changed: a new list with the change in it.
    health = { state: 'refused', checkedAt: 1, latencyMs: 1 };
    const c = await s.take();
    expect(c.listeners).not.toBe(b.listeners);
    expect(c.listeners.map((l) => l.health.state)).toEqual(['refused', 'refused']);
    cached = processOwner({ ...owner(9), name: 'renamed' });
    const d = await s.take();
    expect(d.listeners).not.toBe(c.listeners);
    expect(d.listeners.find((l) => l.port === 3000)?.owner).toMatchObject({ name: 'renamed' });
    scanned = [raws[0] as RawListener];
    const e = await s.take();
    expect(e.listeners.map((l) => l.port)).toEqual([3000]);
  });
});

describe('listener reuse between scans', () => {
  it('keeps the same object for an unchanged listener and builds a new one when its health changes', async () => {
    const cached = owner(9);
    const stable: OwnerResolver = {
      ...owners,
      resolve: async (pids) => new Map(pids.map((p) => [p, ok(cached)] as const)),
    };
    let health: Health = { state: 'unknown' };
    let urls = 0;
    const s = createSnapshotter({
      scanner: {
        id: 'procfs',
        scan: async () => ({
          ok: true,
          backend: 'procfs',
          notes: [],
          listeners: [raw(3000, 9), raw(22, null, { uid: 0 })],
        }),
      },
      owners: stable,
      healthOf: () => health,
      urlFor: () => (urls++, null),
    });
    const a = await s.take();
    const b = await s.take();
    expect(b.listeners[0]).toBe(a.listeners[0]); // unknown owner, same reason: reused too
    expect(b.listeners[1]).toBe(a.listeners[1]);
    expect(urls).toBe(2);
    health = { state: 'refused', checkedAt: 1, latencyMs: 1 };
    const c = await s.take();
    expect(c.listeners[1]).not.toBe(b.listeners[1]);
    expect(c.listeners[1]?.health.state).toBe('refused');
  });
});

describe('ownerFor: an owner the scan could not read', () => {
  it('tells a user admin rights would show it, and never tells root so', () => {
    const hidden = raw(7000, null, { unknownReason: 'permission' });
    const asUser = ownerFor(hidden, new Map());
    const asRoot = ownerFor(hidden, new Map(), undefined, true);
    expect(asUser).toMatchObject({ kind: 'unknown', reason: 'permission' });
    expect(asUser.kind === 'unknown' && asUser.message).toMatch(/needs admin/);
    expect(asRoot).toMatchObject({ kind: 'unknown', reason: 'permission' });
    expect(asRoot.kind === 'unknown' && asRoot.message).toMatch(/even as root/);
    expect(asRoot.kind === 'unknown' && asRoot.message).not.toMatch(/admin/);
  });
});
