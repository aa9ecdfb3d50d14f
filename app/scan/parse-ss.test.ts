import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSs } from './parse-ss.js';
import type { RawListener } from './types.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/ss/${name}`, import.meta.url), 'utf8');

/** One line per listener, the way a user would read it. */
const show = (ls: readonly RawListener[]): string[] =>
  ls.map((l) => `${l.protocol}${l.family} ${l.address} ${l.port} pid=${l.pid ?? '-'}`).sort();

describe('parseSs on a real capture (root, ss -Htulnpe, iproute2 6.1)', () => {
  const { listeners, skipped } = parseSs(fixture('ss-linux-root-e.txt'));

  it('lists every TCP listener and unconnected UDP socket once per owning pid', () => {
    expect(skipped).toBe(0);
    const forPid = show(listeners.filter((l) => l.pid === 9384));
    expect(forPid).toEqual(
      [
        'tcp4 127.0.0.1 3000 pid=9384',
        'tcp6 ::1 5000 pid=9384',
        'tcp4 0.0.0.0 8081 pid=9384',
        'tcp6 :: 8080 pid=9384',
        'tcp6 :: 8443 pid=9384',
        'tcp6 ::ffff:127.0.0.1 8090 pid=9384',
        'tcp4 0.0.0.0 5358 pid=9384',
        'tcp4 127.0.0.1 9000 pid=9384',
        'udp4 127.0.0.1 5353 pid=9384',
        'udp6 ::1 5354 pid=9384',
        'udp4 0.0.0.0 5355 pid=9384',
        'udp6 :: 5356 pid=9384',
        'udp4 0.0.0.0 5357 pid=9384',
      ].sort(),
    );
  });

  it('reports the forked worker sharing each socket as its own listener row', () => {
    const worker = listeners.filter((l) => l.pid === 9467);
    expect(worker).toHaveLength(13);
    expect(worker.every((l) => l.processName === 'worker 2')).toBe(true);
  });

  it('keeps the connected UDP socket and the established connection out', () => {
    expect(listeners.some((l) => l.port === 5400 || l.port === 43766)).toBe(false);
  });

  it('shows a socket of a process in another namespace with pid null, not hidden', () => {
    const hidden = listeners.find((l) => l.port === 2024);
    expect(hidden).toMatchObject({ protocol: 'tcp', family: 4, address: '0.0.0.0', pid: null });
  });

  it('carries the socket inode and uid (ss -e omits uid 0)', () => {
    const l = listeners.find((x) => x.port === 3000 && x.pid === 9384);
    expect(l?.socketId).toMatch(/^\d+$/);
    expect(l?.uid).toBe(0);
  });

  it('reads names with spaces, quotes and parentheses, and neutralises control characters', () => {
    expect(listeners.find((l) => l.pid === 9384)?.processName).toBe('my "app"(x');
    expect(listeners.find((l) => l.port === 4000)?.processName).toBe('"ab c');
  });
});

describe('parseSs on other shapes', () => {
  it('reads the capture without -e the same way, minus inode and uid', () => {
    const e = parseSs(fixture('ss-linux-root-e.txt'));
    const plain = parseSs(fixture('ss-linux-root.txt'));
    expect(plain.skipped).toBe(0);
    expect(show(plain.listeners)).toEqual(show(e.listeners));
    expect(plain.listeners.every((l) => l.socketId === null && l.uid === null)).toBe(true);
  });

  it('lists every socket with pid null when not root (owners hidden)', () => {
    const { listeners, skipped } = parseSs(fixture('ss-linux-nonroot-e.txt'));
    expect(skipped).toBe(0);
    expect(listeners).toHaveLength(16);
    expect(listeners.every((l) => l.pid === null)).toBe(true);
    expect(show(listeners.filter((l) => l.port === 4001))).toEqual(['udp6 :: 4001 pid=-']);
  });

  it('maps old ss (iproute2 3.10) wildcards `*` to IPv4 and `:::` to IPv6', () => {
    const { listeners, skipped } = parseSs(fixture('ss-old-iproute-3.10.txt'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(
      [
        'udp4 0.0.0.0 68 pid=812',
        'udp4 127.0.0.1 323 pid=640',
        'udp6 ::1 323 pid=640',
        'tcp4 0.0.0.0 22 pid=1075',
        'tcp4 127.0.0.1 25 pid=1302',
        'tcp6 :: 22 pid=1075',
        'tcp6 ::1 25 pid=1302',
      ].sort(),
    );
  });

  it('counts a line cut in the middle of its users block as skipped', () => {
    const { listeners, skipped } = parseSs(fixture('ss-truncated.txt'));
    expect(skipped).toBe(1);
    expect(listeners.length).toBeGreaterThan(0);
    expect(listeners.some((l) => l.port === 3000)).toBe(false);
  });

  it('skips and counts garbage without throwing, keeping the valid lines', () => {
    const { listeners, skipped } = parseSs(fixture('ss-garbage.txt'));
    expect(show(listeners)).toEqual(['tcp4 127.0.0.1 3000 pid=1234', 'udp6 :: 5353 pid=77']);
    expect(skipped).toBe(8);
  });

  it('is not fooled by names that imitate the pid syntax, and cuts very long names', () => {
    const { listeners, skipped } = parseSs(fixture('ss-hostile-names.txt'));
    expect(skipped).toBe(0);
    const byPort = new Map(listeners.map((l) => [l.port, l]));
    expect(byPort.get(3000)).toMatchObject({ pid: 4242, processName: '",pid=1,fd=2' });
    expect(byPort.get(3001)?.processName).toBe('⚓ harbor 港');
    expect(byPort.get(3002)?.processName).toHaveLength(256);
    expect(byPort.get(546)).toMatchObject({
      protocol: 'udp',
      family: 6,
      address: 'fe80::1%eth0',
      pid: 4245,
      uid: 101,
      socketId: '901',
      processName: 'dhcp, client',
    });
    expect(byPort.get(5359)).toMatchObject({ family: 6, address: '::', uid: 1000 });
    expect(byPort.get(5359)?.processName).toBe('red'); // the escape sequence is removed whole (cleanText)
  });

  it('returns nothing for empty output (no listeners)', () => {
    expect(parseSs('')).toEqual({ listeners: [], skipped: 0 });
    expect(parseSs('\n\n')).toEqual({ listeners: [], skipped: 0 });
  });
});
