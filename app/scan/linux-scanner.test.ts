import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../model/snapshot.js';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { spawnListeners, type ListenerChild } from '../testing/listener-child.js';
import { useListenerPair } from './test-support/listener-pair.js';
import { createSnapshotter } from '../watch/snapshotter.js';
import { createLinuxScanner } from './linux-scanner.js';
import { realProcFs } from './socket-owners.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('Linux scanner with real sockets', () => {
  let a: ListenerChild;
  let b: ListenerChild;
  useListenerPair((loopback, wildcard) => {
    a = loopback;
    b = wildcard;
  });

  const expectations = () => [
    { child: a, i: 0, protocol: 'tcp', family: 4, address: '127.0.0.1', exposure: 'loopback' },
    { child: a, i: 1, protocol: 'tcp', family: 6, address: '::1', exposure: 'loopback' },
    { child: a, i: 2, protocol: 'udp', family: 4, address: '127.0.0.1', exposure: 'loopback' },
    { child: a, i: 3, protocol: 'udp', family: 6, address: '::1', exposure: 'loopback' },
    { child: b, i: 0, protocol: 'tcp', family: 4, address: '0.0.0.0', exposure: 'all-interfaces' },
    { child: b, i: 1, protocol: 'tcp', family: 6, address: '::', exposure: 'all-interfaces' },
    { child: b, i: 2, protocol: 'udp', family: 4, address: '0.0.0.0', exposure: 'all-interfaces' },
    { child: b, i: 3, protocol: 'udp', family: 6, address: '::', exposure: 'all-interfaces' },
  ];

  for (const listing of ['netlink', 'procfs'] as const) {
    it(`hands an unchanged socket out as the same object scan after scan, and the snapshot keeps its row (${listing})`, async () => {
      const scanner = createLinuxScanner({ listing });
      const snapshotter = createSnapshotter({ scanner, owners: createLinuxOwnerResolver() });
      const port = a.sockets[0]?.port;
      const first = await scanner.scan();
      const second = await scanner.scan();
      if (!first.ok || !second.ok) throw new Error('scan failed');
      const pick = (o: typeof first) => o.listeners.find((l) => l.port === port && l.protocol === 'tcp');
      expect(pick(first)).toBeDefined();
      expect(pick(second)).toBe(pick(first));
      const s1 = await snapshotter.take();
      const s2 = await snapshotter.take();
      const row = (s: typeof s1) => s.listeners.find((l) => l.port === port && l.protocol === 'tcp');
      expect(row(s2)).toBe(row(s1));
      expect(row(s2)?.owner).toMatchObject({ kind: 'process', pid: a.pid });
      scanner.dispose?.();
    });
  }

  for (const listing of ['netlink', 'procfs'] as const) {
    it(`finds TCP and UDP on 127.0.0.1, ::1, 0.0.0.0 and :: with the right pid, family and exposure (${listing})`, async () => {
      const scanner = createLinuxScanner({ listing });
      const snapshotter = createSnapshotter({ scanner, owners: createLinuxOwnerResolver() });
      const snap = await snapshotter.take();
      expect(snap.source).toBe(listing === 'netlink' ? 'netlink' : 'procfs');
      expect(snap.error).toBeNull();
      for (const e of expectations()) {
        const port = e.child.sockets[e.i]?.port;
        const hit = snap.listeners.find(
          (l) => l.port === port && l.protocol === e.protocol && l.family === e.family,
        );
        expect(hit, `${e.protocol}${e.family} ${e.address}:${port}`).toBeDefined();
        expect(hit?.address).toBe(e.address);
        expect(hit?.exposure).toBe(e.exposure);
        expect(hit?.owner.kind).toBe('process');
        if (hit?.owner.kind === 'process') {
          expect(hit.owner.pid).toBe(e.child.pid);
          expect(hit.owner.name).toBe('node');
          expect(hit.owner.command).toContain('-e');
          expect(hit.owner.startedAt).toBeGreaterThan(Date.now() - 120_000);
          expect(hit.owner.user).toBe('root');
        }
      }
      scanner.dispose?.();
    });
  }

  it('drops a closed listener from the next snapshot and keeps the rest', async () => {
    const child = await spawnListeners([
      { protocol: 'tcp', host: '127.0.0.1' },
      { protocol: 'udp', host: '127.0.0.1' },
    ]);
    try {
      const scanner = createLinuxScanner();
      const snapshotter = createSnapshotter({ scanner, owners: createLinuxOwnerResolver() });
      const [tcp, udp] = child.sockets;
      const first = await snapshotter.take();
      expect(first.listeners.some((l) => l.port === tcp?.port && l.protocol === 'tcp')).toBe(true);
      await child.close(0);
      const second = await snapshotter.take();
      expect(second.seq).toBeGreaterThan(first.seq);
      expect(second.listeners.some((l) => l.port === tcp?.port && l.protocol === 'tcp')).toBe(false);
      expect(second.listeners.some((l) => l.port === udp?.port && l.protocol === 'udp')).toBe(true);
      scanner.dispose?.();
    } finally {
      await child.kill();
    }
  });

  it('shows a socket whose owner cannot be read as "owner unknown (needs admin)", never hides it', async () => {
    const child = await spawnListeners([{ protocol: 'tcp', host: '127.0.0.1' }]);
    try {
      // Simulate another user's process: its fd directory is unreadable, as for a non-root user.
      const scanner = createLinuxScanner({
        owners: {
          fs: {
            ...realProcFs,
            listFds: (pid) => {
              if (pid === child.pid) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
              return realProcFs.listFds(pid);
            },
          },
        },
      });
      const snap = await createSnapshotter({ scanner, owners: createLinuxOwnerResolver() }).take();
      const hit = snap.listeners.find((l) => l.port === child.sockets[0]?.port && l.protocol === 'tcp');
      expect(hit).toBeDefined();
      expect(hit?.owner).toMatchObject({ kind: 'unknown', reason: 'permission', user: 'root' });
      expect(hit?.owner.kind === 'unknown' && hit.owner.message).toMatch(/needs admin/);
      expect(snap.status).toBe('partial');
      // The note speaks to whoever runs the scan: root is never told to get admin rights.
      expect(snap.notes.find((n) => n.code === 'OWNERS_HIDDEN')?.message).toMatch(
        process.getuid?.() === 0 ? /not readable, even as root/ : /not permitted \(needs admin\)/,
      );
      scanner.dispose?.();
    } finally {
      await child.kill();
    }
  });

  it('attributes a new listener without walking every process again', async () => {
    const scanner = createLinuxScanner();
    const snapshotter = createSnapshotter({ scanner, owners: createLinuxOwnerResolver() });
    await snapshotter.take();
    const child = await spawnListeners([{ protocol: 'tcp', host: '127.0.0.1' }]);
    try {
      const before = { ...scanner.ownerMap.stats };
      const snap = await snapshotter.take();
      const hit = snap.listeners.find((l) => l.port === child.sockets[0]?.port);
      expect(hit?.owner.kind === 'process' && hit.owner.pid).toBe(child.pid);
      // Newborn processes are searched first, so it is found long before a full walk (other test
      // files may start processes meanwhile, hence a margin rather than exactly one).
      const walked = scanner.ownerMap.stats.pidsWalked - before.pidsWalked;
      expect(walked).toBeLessThanOrEqual(25);
      expect(walked).toBeLessThan(realProcFs.listPids().length);
    } finally {
      await child.kill();
      scanner.dispose?.();
    }
  });

  it('attributes listeners a busy process replaces by reading only the fds that changed', async () => {
    // A real process holding 40 listeners closes 4 and opens 4 (the kernel reuses the freed fds).
    const code = `
const net = require('node:net');
const servers = [];
const open = () => new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => r(s)); });
(async () => {
  for (let i = 0; i < 40; i++) servers.push(await open());
  process.send('ready');
  process.on('message', async () => {
    for (const s of servers.splice(0, 4)) await new Promise((r) => s.close(r));
    for (let i = 0; i < 4; i++) servers.push(await open());
    process.send('replaced');
  });
})();`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const next = () => new Promise((r) => child.once('message', r));
    const scanner = createLinuxScanner();
    try {
      await next();
      const snapshotter = createSnapshotter({ scanner, owners: createLinuxOwnerResolver() });
      const mine = (snap: Snapshot) =>
        snap.listeners.filter((l) => l.owner.kind === 'process' && l.owner.pid === child.pid);
      expect(mine(await snapshotter.take())).toHaveLength(40);
      const before = { ...scanner.ownerMap.stats };
      child.send('replace');
      await next();
      const snap = await snapshotter.take();
      const ports = new Set(mine(snap).map((l) => l.port));
      expect(ports.size).toBe(40);
      // The 36 unchanged listening fds are not read again (other test files may open sockets
      // meanwhile, hence a bound rather than an exact count).
      expect(scanner.ownerMap.stats.fdsTrusted - before.fdsTrusted).toBeGreaterThanOrEqual(36);
    } finally {
      child.kill('SIGKILL');
      scanner.dispose?.();
    }
  });
});
