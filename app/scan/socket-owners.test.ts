import { describe, expect, it } from 'vitest';
import { createSocketOwnerMap, type ProcFs } from './socket-owners.js';

/** An in-memory /proc: pid → socket inodes; pids in `unreadable` throw EACCES. */
function fakeProc(
  initial: Record<number, string[]>,
  unreadable = new Set<number>(),
  namespace: 'initial' | 'child' = 'initial',
  linksDenied = new Set<number>(),
) {
  const procs = new Map<number, string[]>(Object.entries(initial).map(([k, v]) => [Number(k), v]));
  const parents = new Map<number, number>();
  const listed: number[] = [];
  const fs: ProcFs = {
    listPids: () => [...procs.keys()],
    listFds: (pid) => {
      listed.push(pid);
      if (unreadable.has(pid)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      const fds = procs.get(pid);
      if (!fds) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return fds.map((_, i) => String(i));
    },
    readLink: (path) => {
      const [, , pid, , fd] = path.split('/');
      if (linksDenied.has(Number(pid))) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      const inode = procs.get(Number(pid))?.[Number(fd)];
      if (inode === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return inode.startsWith('file:') ? inode.slice(5) : `socket:[${inode}]`;
    },
    readStat: (pid) => `${pid} (x) S ${parents.get(pid) ?? 1} 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1000 0`,
    pidNamespace: () => namespace,
  };
  return { fs, procs, parents, listed, unreadable };
}

describe('createSocketOwnerMap', () => {
  it('walks only when an unknown inode appears, and not at all in steady state', () => {
    const p = fakeProc({ 10: ['file:/a', '100'], 20: ['200'] });
    const map = createSocketOwnerMap({ fs: p.fs });
    expect([...map.resolve(['100', '200'])]).toEqual([
      ['100', { kind: 'pid', pid: 10 }],
      ['200', { kind: 'pid', pid: 20 }],
    ]);
    const walks = map.stats.walks;
    for (let i = 0; i < 5; i += 1) map.resolve(['100', '200']);
    expect(map.stats.walks).toBe(walks);
  });

  it('searches processes born since the last scan first and stops when everything is found', () => {
    const old: Record<number, string[]> = {};
    for (let pid = 100; pid < 400; pid += 1) old[pid] = ['file:/x', 'file:/y'];
    const p = fakeProc(old);
    const map = createSocketOwnerMap({ fs: p.fs });
    map.resolve([]);
    p.procs.set(50, ['999']); // a new process with a low (wrapped) pid
    p.listed.length = 0;
    expect(map.resolve(['999']).get('999')).toEqual({ kind: 'pid', pid: 50 });
    expect(p.listed).toEqual([50]);
  });

  it('reports the outermost holder of a socket shared by forked workers', () => {
    const p = fakeProc({ 10: ['500'], 11: ['500'], 12: ['500'] });
    p.parents.set(11, 10);
    p.parents.set(12, 10);
    const map = createSocketOwnerMap({ fs: p.fs });
    expect(map.resolve(['500']).get('500')).toEqual({ kind: 'pid', pid: 10 });
  });

  it('remembers unattributable sockets and retries them rarely, new processes first', () => {
    let t = 0;
    const p = fakeProc({ 10: ['100'], 20: ['file:/z'] }, new Set([30]));
    p.procs.set(30, ['777']);
    const map = createSocketOwnerMap({
      fs: p.fs,
      now: () => t,
      unknownRetryMs: 30_000,
      unknownFullRetryMs: 300_000,
    });
    expect(map.resolve(['100', '777']).get('777')).toEqual({ kind: 'unknown', reason: 'permission' });
    const walks = map.stats.walks;
    for (t = 1000; t < 29_000; t += 2000) map.resolve(['100', '777']);
    expect(map.stats.walks).toBe(walks); // no walk every poll
    p.listed.length = 0;
    t = 31_000;
    p.procs.set(40, ['file:/new']);
    map.resolve(['100', '777']);
    expect(p.listed).toEqual([40]); // the 30 s retry looks only at processes born since
    p.listed.length = 0;
    t = 301_000;
    map.resolve(['100', '777']);
    // The full retry every 5 minutes; pid 10 is read twice: its listening fd was skipped the
    // first time (see walk), and a socket not found anywhere might sit on a skipped fd.
    expect(p.listed.sort()).toEqual([10, 10, 20, 30, 40]);
  });

  it('calls a socket in no visible process "other-namespace" only from a child pid namespace', () => {
    const inChild = createSocketOwnerMap({ fs: fakeProc({ 10: ['100'] }, new Set(), 'child').fs });
    expect(inChild.resolve(['2024']).get('2024')).toEqual({ kind: 'unknown', reason: 'other-namespace' });
    // In the initial pid namespace every process is visible: nobody holds it (a kernel socket).
    const inInitial = createSocketOwnerMap({ fs: fakeProc({ 10: ['100'] }, new Set(), 'initial').fs });
    expect(inInitial.resolve(['2024']).get('2024')).toEqual({ kind: 'unknown', reason: 'no-process' });
  });

  it('says "permission" when fd links are denied though the fd directory lists (pid 1 in a sandbox)', () => {
    const p = fakeProc({ 1: ['2024'], 10: ['100'] }, new Set(), 'child', new Set([1]));
    const map = createSocketOwnerMap({ fs: p.fs });
    expect(map.resolve(['2024']).get('2024')).toEqual({ kind: 'unknown', reason: 'permission' });
  });

  it('treats EPERM like EACCES', () => {
    const p = fakeProc({ 10: ['100'], 30: ['2024'] }, new Set(), 'child');
    const listFds = p.fs.listFds;
    p.fs.listFds = (pid) => {
      if (pid === 30) throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
      return listFds(pid);
    };
    const map = createSocketOwnerMap({ fs: p.fs });
    expect(map.resolve(['2024']).get('2024')).toEqual({ kind: 'unknown', reason: 'permission' });
  });

  it('gives the same answer back for the same sockets, and looks again when one changes, its owner dies or a retry is due', () => {
    const p = fakeProc({ 10: ['100'], 11: ['100'], 20: ['200'], 30: [] }, new Set([40]));
    p.parents.set(11, 10);
    let t = 0;
    const map = createSocketOwnerMap({ fs: p.fs, now: () => t, unknownRetryMs: 1000 });
    const first = map.resolve(['100', '200']);
    expect(map.resolve(['100', '200'])).toBe(first);
    // Another socket, or the same ones in another order: a new answer.
    expect(map.resolve(['200', '100'])).not.toBe(first);
    const settled = map.resolve(['200', '100']);
    expect(map.resolve(['200', '100'])).toBe(settled);
    // The owner of 100 exits: the answer names the child that still holds it.
    p.procs.delete(10);
    expect(map.resolve(['200', '100']).get('100')).toEqual({ kind: 'pid', pid: 11 });
    // A socket nobody visible holds is searched for again once its retry is due, not before.
    p.procs.set(40, ['300']);
    const withHidden = map.resolve(['300']);
    expect(withHidden.get('300')).toEqual({ kind: 'unknown', reason: 'permission' });
    const walks = map.stats.walks;
    p.procs.set(41, ['300']); // a process born since, now holding it too (a forked worker)
    t = 999;
    expect(map.resolve(['300'])).toBe(withHidden);
    expect(map.stats.walks).toBe(walks);
    t = 1000;
    expect(map.resolve(['300']).get('300')).toEqual({ kind: 'pid', pid: 41 });
    expect(map.stats.walks).toBe(walks + 1);
  });

  it('resolveAsync answers as resolve does, and lets the event loop run during a long walk', async () => {
    const procs: Record<number, string[]> = {};
    for (let pid = 100; pid < 140; pid += 1) procs[pid] = ['file:/x'];
    procs[99] = ['500'];
    const p = fakeProc(procs);
    const slow: ProcFs = {
      ...p.fs,
      listFds: (pid) => {
        const until = performance.now() + 1; // 40 processes × 1 ms: several slices
        while (performance.now() < until);
        return p.fs.listFds(pid);
      },
    };
    const asyncMap = createSocketOwnerMap({ fs: slow });
    const syncMap = createSocketOwnerMap({ fs: p.fs });
    asyncMap.resolve([]);
    syncMap.resolve([]);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    const answer = await asyncMap.resolveAsync(['500', '600']);
    clearInterval(timer);
    expect([...answer]).toEqual([...syncMap.resolve(['500', '600'])]);
    expect(answer.get('500')).toEqual({ kind: 'pid', pid: 99 });
    expect(ticks).toBeGreaterThan(0);
  });

  it('re-attributes a socket whose owner exited (the socket moved to a child)', () => {
    const p = fakeProc({ 10: ['100'], 11: ['100'] });
    p.parents.set(11, 10);
    const map = createSocketOwnerMap({ fs: p.fs });
    expect(map.resolve(['100']).get('100')).toEqual({ kind: 'pid', pid: 10 });
    p.procs.delete(10);
    expect(map.resolve(['100']).get('100')).toEqual({ kind: 'pid', pid: 11 });
  });

  it('reads only the fds that may have changed in a process holding many listeners', () => {
    const held = Array.from({ length: 100 }, (_, i) => String(1000 + i));
    const p = fakeProc({ 10: ['file:/log', ...held], 20: ['file:/x'] });
    const map = createSocketOwnerMap({ fs: p.fs });
    map.resolve(held);
    const before = { ...map.stats };
    // Ten servers closed and ten opened on the freed fds, plus two on new fds.
    const fds = p.procs.get(10) ?? [];
    for (let fd = 1; fd <= 10; fd += 1) fds[fd] = String(5000 + fd);
    fds.push('6001', '6002');
    const now = fds.filter((x) => !x.startsWith('file:'));
    const out = map.resolve(now);
    for (const inode of now) expect(out.get(inode)).toEqual({ kind: 'pid', pid: 10 });
    // The 12 new sockets and the one non-socket fd are read; the 90 still listening are not.
    expect(map.stats.fdsRead - before.fdsRead).toBe(13);
    expect(map.stats.fdsTrusted - before.fdsTrusted).toBe(90);
  });

  it('finds a new socket on a reused fd whose old socket still listens through a dup', () => {
    // fd 0 and fd 1 hold the same listening socket (dup); fd 0 is closed and reused by a new one.
    const p = fakeProc({ 10: ['100', '100'], 20: ['file:/x'] });
    const map = createSocketOwnerMap({ fs: p.fs });
    expect(map.resolve(['100']).get('100')).toEqual({ kind: 'pid', pid: 10 });
    (p.procs.get(10) ?? [])[0] = '200';
    const out = map.resolve(['100', '200']);
    expect(out.get('200')).toEqual({ kind: 'pid', pid: 10 });
    expect(out.get('100')).toEqual({ kind: 'pid', pid: 10 });
  });

  it('never trusts what a pid held before it was reused by a new process', () => {
    const p = fakeProc({ 10: ['100', '101'], 11: ['101'] });
    p.parents.set(11, 10);
    const map = createSocketOwnerMap({ fs: p.fs });
    map.resolve(['100', '101']);
    // pid 10 exits (its child keeps 101); a scan sees it gone; a new process then gets pid 10.
    p.procs.delete(10);
    expect(map.resolve(['101']).get('101')).toEqual({ kind: 'pid', pid: 11 });
    p.procs.set(10, ['300', '101']);
    const read: string[] = [];
    const readLink = p.fs.readLink;
    p.fs.readLink = (path) => {
      read.push(path);
      return readLink(path);
    };
    const out = map.resolve(['101', '300']);
    expect(out.get('300')).toEqual({ kind: 'pid', pid: 10 });
    // Both fds of the new pid 10 are read, though fd 1 names a socket that is still listening.
    expect(read.filter((x) => x.startsWith('/proc/10/fd/')).sort()).toEqual([
      '/proc/10/fd/0',
      '/proc/10/fd/1',
    ]);
  });
});
