import type { Listener } from '../../app/model/listener.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { httpUp, listener, processOwner, snapshot, unknownOwner } from '../../app/testing/fixtures.js';

/** A realistic developer machine, for screenshots (test-only; never in the production bundle). */
export function demoSnapshot(now: number): Snapshot {
  const shop = { name: 'shop', root: '/home/alice/dev/shop', kind: 'node' as const };
  const docs = { name: 'docs', root: '/home/alice/dev/docs', kind: 'python' as const };
  const vite = processOwner({
    pid: 48211,
    name: 'node',
    command: 'node /home/alice/dev/shop/node_modules/.bin/vite --host ::1 --port 5173',
    project: shop,
    startedAt: now - 2 * 3600_000 - 14 * 60_000,
  });
  const api = processOwner({
    pid: 48190,
    name: 'node',
    command: 'node --watch src/server.ts --port 3000',
    project: shop,
    startedAt: now - 2 * 3600_000 - 15 * 60_000,
  });
  const list: Listener[] = [
    listener({
      port: 5173,
      address: '::1',
      owner: vite,
      health: httpUp({ title: 'Shop — Vite + React', latencyMs: 8 }),
    }),
    listener({
      port: 24678,
      address: '127.0.0.1',
      owner: vite,
      url: null,
      health: { state: 'up', kind: 'tcp', latencyMs: 1, checkedAt: now },
    }),
    listener({
      port: 3000,
      address: '0.0.0.0',
      owner: api,
      health: httpUp({ title: 'Shop API', latencyMs: 14 }),
    }),
    listener({
      port: 9229,
      address: '127.0.0.1',
      owner: api,
      url: null,
      health: { state: 'up', kind: 'tcp', latencyMs: 2, checkedAt: now },
    }),
    listener({
      port: 8000,
      address: '0.0.0.0',
      owner: processOwner({
        pid: 51002,
        name: 'python3',
        command: 'python3 -m http.server 8000',
        project: docs,
        cwd: docs.root,
        exe: '/usr/bin/python3.11',
        startedAt: now - 6 * 60_000,
      }),
      health: httpUp({
        title: 'Directory listing for /',
        latencyMs: 3,
        server: 'SimpleHTTP/0.6 Python/3.11.2',
      }),
    }),
    listener({
      port: 8443,
      address: '127.0.0.1',
      owner: processOwner({
        pid: 51877,
        name: 'caddy',
        command: '/usr/bin/caddy run --config Caddyfile',
        project: null,
        cwd: '/home/alice/dev/gateway',
        exe: '/usr/bin/caddy',
        startedAt: now - 26 * 3600_000,
      }),
      url: 'https://127.0.0.1:8443/',
      health: {
        state: 'up',
        kind: 'https',
        status: 200,
        title: 'Gateway',
        latencyMs: 21,
        checkedAt: now,
        tls: { selfSigned: true, note: 'self-signed certificate' },
      },
    }),
    listener({
      port: 6379,
      address: '127.0.0.1',
      owner: processOwner({
        pid: 1432,
        name: 'redis-server',
        command: '/usr/bin/redis-server 127.0.0.1:6379',
        project: null,
        cwd: '/home/alice',
        exe: '/usr/bin/redis-server',
        startedAt: now - 3 * 86400_000,
      }),
      url: null,
      health: { state: 'up', kind: 'redis', latencyMs: 1, checkedAt: now },
    }),
    listener({
      port: 4000,
      address: '192.168.1.23',
      owner: processOwner({
        pid: 52110,
        name: '<img src=x onerror=alert(1)>\u001b[31m',
        command: 'ruby bin/rails server -b 192.168.1.23 -p 4000',
        project: null,
        cwd: '/home/alice/dev/legacy',
        exe: '/usr/bin/ruby3.1',
        startedAt: now - 45_000,
      }),
      health: { state: 'refused', latencyMs: 1, checkedAt: now },
    }),
    listener({
      port: 3001,
      address: '::',
      owner: processOwner({
        pid: 52400,
        name: 'next-server',
        command: 'next-server (v14.2.3)',
        project: { name: 'admin', root: '/home/alice/dev/admin', kind: 'node' },
        startedAt: now - 12 * 60_000,
      }),
      health: { state: 'checking', since: now },
    }),
    listener({
      port: 5432,
      address: '127.0.0.1',
      owner: processOwner({
        pid: 902,
        name: 'postgres',
        user: 'postgres',
        uid: 113,
        command: '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main',
        project: null,
        cwd: '/var/lib/postgresql/15/main',
        exe: '/usr/lib/postgresql/15/bin/postgres',
        startedAt: now - 9 * 86400_000,
      }),
      url: null,
      health: { state: 'up', kind: 'postgres', latencyMs: 2, checkedAt: now },
    }),
    listener({
      port: 53,
      address: '127.0.0.53',
      protocol: 'udp',
      owner: unknownOwner({ uid: 991, user: 'systemd-resolve' }),
      url: null,
    }),
    listener({
      port: 631,
      address: '127.0.0.1',
      owner: unknownOwner(),
      url: null,
      health: { state: 'unknown', reason: 'Never probed: printer ports are on the never-HTTP list.' },
    }),
    listener({
      port: 22,
      address: '0.0.0.0',
      owner: unknownOwner(),
      url: null,
      health: {
        state: 'up',
        kind: 'banner',
        protocol: 'SSH',
        banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2',
        latencyMs: 4,
        checkedAt: now,
      },
    }),
  ];
  return snapshot(list, {
    seq: 1,
    takenAt: now - 1500,
    status: 'partial',
    notes: [
      {
        code: 'OWNERS_HIDDEN',
        message: '3 sockets belong to processes Harbormaster cannot see without admin rights.',
        count: 3,
      },
    ],
  });
}
