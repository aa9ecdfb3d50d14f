import { describe, expect, it } from 'vitest';
import { listener, processOwner } from '../testing/fixtures.js';
import { listenerId } from '../watch/snapshotter.js';
import {
  endpointOfId,
  isKnownSupervisor,
  listenerFates,
  noLongerHolds,
  restartEvidence,
} from './kill-port.js';

describe('the endpoint a kill request names', () => {
  it('reads protocol, family, address and port back out of the snapshotter’s listener ids', () => {
    const raws = [
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 3000, socketId: '12345', pid: 7 },
      { protocol: 'udp', family: 6, address: 'fe80::1%eth0', port: 5353, socketId: null, pid: 7 },
      { protocol: 'tcp', family: 6, address: '::', port: 80, socketId: null, pid: null },
    ] as const;
    for (const raw of raws) {
      const id = listenerId(raw as unknown as Parameters<typeof listenerId>[0]);
      expect(endpointOfId(id), id).toEqual({
        protocol: raw.protocol,
        family: raw.family,
        address: raw.address,
        port: raw.port,
      });
    }
  });

  it('rejects anything else', () => {
    for (const id of [
      '',
      'tcp:4:127.0.0.1:1:x',
      'tcp4|127.0.0.1|0|x',
      'tcp4|127.0.0.1|70000|x',
      'sctp4|a|1|x',
    ]) {
      expect(endpointOfId(id), id).toBeNull();
    }
  });
});

describe('who holds what now', () => {
  const old = processOwner({ pid: 10, startToken: 'a', name: 'vite' });
  const other = processOwner({ pid: 11, startToken: 'b', name: 'nc' });
  const at = (address: string, port: number, owner = old, protocol: 'tcp' | 'udp' = 'tcp') =>
    listener({ protocol, address, family: address.includes(':') ? 6 : 4, port, owner });

  it('names the new holder of exactly the confirmed address', () => {
    const e = { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 3000 } as const;
    expect(noLongerHolds(10, e, [at('127.0.0.1', 3000, other), at('::1', 3000)])).toBe(
      'pid 10 no longer holds tcp 127.0.0.1:3000; it is now held by nc (pid 11).',
    );
    expect(noLongerHolds(10, e, [])).toBe(
      'pid 10 no longer holds tcp 127.0.0.1:3000; nothing listens there now.',
    );
  });

  it('gives each listener its fate: freed, still held, or re-bound by another process', () => {
    const held = [
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 80 },
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 8081 },
      { protocol: 'udp', family: 4, address: '0.0.0.0', port: 11211 },
    ] as const;
    const fates = listenerFates(held, [at('0.0.0.0', 8081), at('0.0.0.0', 11211, other, 'udp')], old);
    expect(fates.map((f) => [f.port, f.fate, f.heldBy?.pid ?? null])).toEqual([
      [80, 'freed', null],
      [8081, 'still-held', 10],
      [11211, 'rebound', 11],
    ]);
  });
});

describe('a restart is claimed only with evidence', () => {
  const old = processOwner({ pid: 20, ppid: 5, exe: '/usr/bin/node', command: 'node server.js' });
  const fresh = (over: Parameters<typeof processOwner>[0]) =>
    processOwner({ pid: 21, ppid: 5, exe: '/usr/bin/node', command: 'node server.js', ...over });
  const parent = (name: string, command: string | null = null, exe: string | null = null) => ({
    pid: 5,
    name,
    exe,
    command,
  });

  it('the same parent starting the same executable and arguments again is a respawn', () => {
    expect(restartEvidence(old, fresh({}), parent('sh'))).toEqual({
      pid: 5,
      name: 'sh',
      evidence: 'respawned',
    });
  });

  it('a plain parent starting a different program is no evidence', () => {
    expect(restartEvidence(old, fresh({ command: 'node other.js' }), parent('sh'))).toBeNull();
    expect(restartEvidence(old, fresh({ exe: '/usr/bin/python3' }), parent('bash'))).toBeNull();
    expect(restartEvidence(old, fresh({ ppid: 6 }), { ...parent('bash'), pid: 6 })).toBeNull();
  });

  it('a known supervisor parent is evidence, whatever it started', () => {
    for (const p of [
      parent('systemd', '/sbin/init'),
      parent('launchd'),
      parent('supervisord', '/usr/bin/python3 /usr/bin/supervisord'),
      parent('runsv', 'runsv web'),
      parent('s6-supervise', 's6-supervise web'),
      parent('containerd-shim', null, '/usr/bin/containerd-shim-runc-v2'),
      parent('services.exe', null, 'C:\\Windows\\System32\\services.exe'),
      parent('PM2 v5.3.0: God', 'PM2 v5.3.0: God Daemon (/root/.pm2)'),
      parent('node', 'node /usr/local/bin/nodemon server.js', '/usr/bin/node'),
    ]) {
      expect(isKnownSupervisor(p), p.name).toBe(true);
      expect(restartEvidence(old, fresh({ command: 'node other.js' }), { ...p, pid: 5 })?.evidence).toBe(
        'known-supervisor',
      );
    }
    for (const p of [
      parent('sh', 'sh -c run'),
      parent('bash'),
      parent('node', 'node build.js'),
      parent('tini'),
    ]) {
      expect(isKnownSupervisor(p), p.name).toBe(false);
    }
  });
});
