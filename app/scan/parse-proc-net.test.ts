import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProcNet } from './parse-proc-net.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/procfs/${name}`, import.meta.url), 'utf8');

describe('parseProcNet', () => {
  it('keeps TCP listeners and drops established and time-wait sockets', () => {
    const { sockets, skipped } = parseProcNet(fixture('tcp.txt'), 'tcp', 4);
    expect(skipped).toBe(0);
    expect(sockets).toEqual([
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 3000, uid: 1000, inode: '41234' },
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 22, uid: 0, inode: '1234' },
      { protocol: 'tcp', family: 4, address: '192.168.1.20', port: 8080, uid: 1000, inode: '55555' },
    ]);
  });

  it('decodes IPv6 words in host byte order, including :: and ::1 and v4-mapped', () => {
    const { sockets } = parseProcNet(fixture('tcp6.txt'), 'tcp', 6);
    expect(sockets.map((s) => `${s.address}|${s.port}`)).toEqual([
      '::|80',
      '::1|5173',
      '::ffff:127.0.0.1|9000',
      'fe80::1|7000',
    ]);
  });

  it('keeps unconnected bound UDP sockets only', () => {
    const { sockets } = parseProcNet(fixture('udp.txt'), 'udp', 4);
    expect(sockets.map((s) => `${s.address}|${s.port}|${s.inode}`)).toEqual([
      '127.0.0.53|53|2001',
      '0.0.0.0|5353|2002',
    ]);
  });

  it('skips and counts garbage and truncated lines without throwing', () => {
    const { sockets, skipped } = parseProcNet(fixture('garbage.txt'), 'tcp', 4);
    expect(sockets.map((s) => s.port)).toEqual([3000]);
    expect(skipped).toBe(3);
    expect(parseProcNet('', 'tcp', 4).unrecognized?.kind).toBe('no-table');
  });

  it('reads big-endian hosts', () => {
    const text =
      '  sl  local_address rem_address   st tx_queue\n   0: 7F000001:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 9 1\n';
    expect(parseProcNet(text, 'tcp', 4, false).sockets[0]?.address).toBe('127.0.0.1');
  });
});
