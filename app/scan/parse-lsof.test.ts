import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLsofF } from './parse-lsof.js';
import type { RawListener } from './types.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/lsof/${name}`, import.meta.url), 'utf8');

const show = (ls: readonly RawListener[]): string[] =>
  ls.map((l) => `${l.protocol}${l.family} ${l.address} ${l.port} pid=${l.pid ?? '-'}`).sort();

const LINUX_PID_9384 = [
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
].sort();

describe('parseLsofF on a real Linux capture (lsof 4.95, root)', () => {
  const { listeners, skipped } = parseLsofF(fixture('lsof-linux-root.txt'));

  it('finds TCP LISTEN and unconnected UDP sockets with their pid, family and address', () => {
    expect(skipped).toBe(0);
    expect(show(listeners.filter((l) => l.pid === 9384))).toEqual(LINUX_PID_9384);
  });

  it('agrees with ss about the same sockets (v4-mapped bind printed as IPv4 on an IPv6 socket)', () => {
    const ssLike = show(listeners.filter((l) => l.pid === 9467));
    expect(ssLike).toEqual(LINUX_PID_9384.map((s) => s.replace('9384', '9467')).sort());
  });

  it('leaves out the established TCP connection and the connected UDP socket', () => {
    expect(listeners.some((l) => l.port === 43766 || l.port === 5400)).toBe(false);
  });

  it('keeps the command and uid of the owning process as lsof printed them', () => {
    expect(listeners.find((l) => l.pid === 9384)).toMatchObject({
      processName: 'my "app"(x),y',
      uid: 0,
    });
    // lsof escapes the BEL itself as `^G`.
    expect(listeners.find((l) => l.port === 4000)?.processName).toBe('"a^Gb c');
  });

  it('reads the same output printed one field per line (without the 0 flag)', () => {
    const lines = parseLsofF(fixture('lsof-linux-root-lines.txt'));
    expect(lines.skipped).toBe(0);
    expect(show(lines.listeners)).toEqual(show(listeners));
  });
});

describe('parseLsofF on macOS field output (written from lsof(8) OUTPUT FOR OTHER PROGRAMS)', () => {
  const { listeners, skipped } = parseLsofF(fixture('lsof-macos-handwritten.txt'));

  it('lists listeners once per socket and pid, with wildcards mapped by family', () => {
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(
      [
        'tcp4 127.0.0.1 3000 pid=501',
        'tcp6 :: 8080 pid=501',
        'tcp6 ::1 5000 pid=501',
        'tcp4 0.0.0.0 8080 pid=501',
        'tcp4 127.0.0.1 5432 pid=88',
        'tcp6 ::1 5432 pid=88',
        'udp4 0.0.0.0 5353 pid=312',
        'udp6 :: 5353 pid=312',
        'tcp4 192.168.1.5 49152 pid=640',
        'tcp6 :: 5000 pid=1',
        'udp4 0.0.0.0 137 pid=1',
      ].sort(),
    );
  });

  it('keeps names with spaces and the login uid', () => {
    expect(listeners.find((l) => l.pid === 640)).toMatchObject({
      processName: 'Google Chrome He',
      uid: 501,
    });
    expect(listeners.find((l) => l.pid === 312)?.uid).toBe(65);
  });
});

describe('parseLsofF on broken output', () => {
  it('drops and counts the set cut off at the end', () => {
    const { listeners, skipped } = parseLsofF(fixture('lsof-truncated.txt'));
    expect(skipped).toBe(1);
    expect(listeners).toHaveLength(16);
    expect(listeners.some((l) => l.port === 5000 && l.pid === 9467)).toBe(false);
  });

  it('counts garbage without throwing and keeps the valid sets', () => {
    const { listeners, skipped } = parseLsofF(fixture('lsof-garbage.txt'));
    expect(show(listeners)).toEqual(['tcp4 127.0.0.1 7000 pid=12', 'udp6 ::1 7005 pid=13']);
    expect(listeners.find((l) => l.pid === 13)?.processName).toBe(''); // a name that is only an OSC sequence
    expect(skipped).toBe(9);
  });

  it('returns an empty list for empty output (lsof exits 1 and prints nothing)', () => {
    expect(parseLsofF('')).toEqual({ listeners: [], skipped: 0 });
  });
});
