import { describe, expect, it } from 'vitest';
import type { RemoteListener } from '../../app/model/remote-host.js';
import { rowLabel } from '../components/ListRow.js';
import { remoteAsListener } from './remote-row.js';

const base: RemoteListener = {
  protocol: 'tcp',
  family: 4,
  address: '127.0.0.1',
  port: 8080,
  exposure: 'loopback',
  inode: '4242',
  socketUid: 1000,
  pids: [77],
  holder: {
    pid: 77,
    startTicks: '123',
    uid: 1000,
    user: 'dev',
    name: 'node\u001b[31m',
    command: 'node\u0007 server.js\u009b2J',
    cwd: '/srv/app',
    startedAt: null,
  },
};

describe('a remote listener drawn by the local row', () => {
  it('shows the remote agent’s health (agent path) and unknown health without it (script path)', () => {
    const up = remoteAsListener('devbox', {
      ...base,
      health: { state: 'up', kind: 'http', checkedAt: 1, latencyMs: 3, status: 200 },
    });
    expect(up.health).toMatchObject({ state: 'up', kind: 'http', status: 200 });
    expect(rowLabel(up, null)).toMatch(/HTTP/);
    expect(remoteAsListener('devbox', base).health).toEqual({ state: 'unknown' });
  });

  it('keeps port, pid and user, and no control byte survives into the row text', () => {
    const l = remoteAsListener('devbox', base);
    const label = rowLabel(l, null);
    expect(label).toContain('Port 8080');
    expect(label).toContain('pid 77');
    expect(label).toContain('user dev');
    const controls = [...label, ...(l.owner.kind === 'process' ? l.owner.command : '')].filter((c) => {
      const n = c.charCodeAt(0);
      return n < 0x20 || (n >= 0x7f && n <= 0x9f);
    });
    // The point: no control byte reaches the page.
    expect(controls).toEqual([]);
  });
  it('a hidden holder says whose socket it is instead of guessing', () => {
    const l = remoteAsListener('devbox', { ...base, holder: null, pids: [] });
    expect(l.owner).toMatchObject({ kind: 'unknown', uid: 1000 });
    expect(rowLabel(l, null)).toContain('Port 8080');
  });
  it('ids differ per host, so two hosts with the same port never share a row', () => {
    expect(remoteAsListener('a', base).id).not.toBe(remoteAsListener('b', base).id);
  });
});
