import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseGetNetTcpConnection,
  parseGetNetUdpEndpoint,
  parseNetstatAno,
  parseWindowsPowerShellScan,
} from './parse-windows.js';
import { decodeToolOutput } from './decode-output.js';
import type { RawListener } from './types.js';

/** Read the way the adapter reads tool output: bytes decoded as UTF-8, whatever the code page. */
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/windows/${name}`, import.meta.url), 'utf8');

const show = (ls: readonly RawListener[]): string[] =>
  ls.map((l) => `${l.protocol}${l.family} ${l.address} ${l.port} pid=${l.pid ?? '-'}`).sort();

const NETSTAT_EXPECTED = [
  'tcp4 0.0.0.0 135 pid=1020',
  'tcp4 0.0.0.0 445 pid=4',
  'tcp4 127.0.0.1 3000 pid=15872',
  'tcp4 192.168.1.20 139 pid=4',
  'tcp6 :: 135 pid=1020',
  'tcp6 ::1 5432 pid=6120',
  'udp4 0.0.0.0 5353 pid=2460',
  'udp4 127.0.0.1 1900 pid=3456',
  'udp6 :: 5353 pid=2460',
  'udp6 fe80::1c2d:3e4f:5a6b:7c8d%12 1900 pid=3456',
].sort();

describe('parseNetstatAno', () => {
  it('finds listening TCP and bound UDP sockets with their pids (English)', () => {
    const { listeners, skipped } = parseNetstatAno(fixture('netstat-en.txt'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(NETSTAT_EXPECTED);
  });

  it.each([
    'netstat-de-utf8.txt',
    'netstat-de-cp850.txt',
    'netstat-fr.txt',
    'netstat-ja-utf8.txt',
    'netstat-ja-cp932.txt',
  ])('reads %s the same way, without relying on the translated state word', (name) => {
    const { listeners, skipped } = parseNetstatAno(fixture(name));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(NETSTAT_EXPECTED);
  });

  it('drops and counts the line cut off at the end', () => {
    const { listeners, skipped } = parseNetstatAno(fixture('netstat-truncated.txt'));
    expect(skipped).toBe(1);
    expect(show(listeners)).toEqual([
      'tcp4 0.0.0.0 135 pid=1020',
      'tcp4 0.0.0.0 445 pid=4',
      'tcp4 127.0.0.1 3000 pid=15872',
      'tcp4 192.168.1.20 139 pid=4',
      'tcp6 :: 135 pid=1020',
    ]);
  });

  it('counts malformed TCP/UDP lines without throwing and ignores other text', () => {
    const { listeners, skipped } = parseNetstatAno(fixture('netstat-garbage.txt'));
    expect(show(listeners)).toEqual(['tcp4 127.0.0.1 8081 pid=77']);
    expect(skipped).toBe(6);
  });

  it('calls empty output unrecognised: Windows netstat always prints a table', () => {
    expect(parseNetstatAno('').unrecognized?.kind).toBe('no-table');
  });
});

describe('parseGetNetTcpConnection / parseGetNetUdpEndpoint', () => {
  it('reads an array, keeps State 2 (Listen) and drops other states', () => {
    const { listeners, skipped } = parseGetNetTcpConnection(fixture('get-nettcpconnection-array.json'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual([
      'tcp4 0.0.0.0 135 pid=1020',
      'tcp4 127.0.0.1 3000 pid=15872',
      'tcp4 192.168.1.20 139 pid=4',
      'tcp6 :: 135 pid=1020',
      'tcp6 ::1 5432 pid=6120',
    ]);
  });

  it('reads the single object PowerShell prints when there is one listener', () => {
    const { listeners } = parseGetNetTcpConnection(fixture('get-nettcpconnection-single.json'));
    expect(show(listeners)).toEqual(['tcp4 127.0.0.1 5173 pid=2231']);
  });

  it('accepts enum names and numeric strings, keeping link-local zones', () => {
    const { listeners, skipped } = parseGetNetTcpConnection(fixture('get-nettcpconnection-enum-names.json'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(['tcp6 :: 80 pid=4', 'tcp6 fe80::1%12 8080 pid=512']);
  });

  it('treats empty output as no listeners', () => {
    expect(parseGetNetTcpConnection('')).toEqual({ listeners: [], skipped: 0 });
    expect(parseGetNetUdpEndpoint('\r\n')).toEqual({ listeners: [], skipped: 0 });
  });

  it('reports truncated JSON as unreadable instead of as an empty machine', () => {
    expect(parseGetNetTcpConnection(fixture('get-nettcpconnection-truncated.json'))).toEqual({
      listeners: [],
      skipped: 1,
    });
  });

  it('counts records of the wrong shape and keeps the good ones', () => {
    const { listeners, skipped } = parseGetNetTcpConnection(fixture('get-nettcpconnection-garbage.json'));
    expect(show(listeners)).toEqual(['tcp4 127.0.0.1 8000 pid=-']);
    expect(skipped).toBe(6);
  });

  it('reads UDP endpoints', () => {
    const { listeners, skipped } = parseGetNetUdpEndpoint(fixture('get-netudpendpoint-array.json'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(NETSTAT_EXPECTED.filter((s) => s.startsWith('udp')));
  });

  it('splits the one-run PowerShell scan into TCP and UDP and matches netstat', () => {
    const { listeners, skipped } = parseWindowsPowerShellScan(fixture('windows-powershell-scan.txt'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(NETSTAT_EXPECTED.filter((s) => !s.includes(' 445 ')));
  });

  it('reads a scan with one TCP listener and no UDP endpoints', () => {
    const { listeners, skipped } = parseWindowsPowerShellScan(fixture('windows-powershell-scan-no-udp.txt'));
    expect(skipped).toBe(0);
    expect(show(listeners)).toEqual(['tcp6 :: 135 pid=1020']);
  });
});

describe('parseNetstatAno across display languages', () => {
  // Every state word the fixtures know, in one table (hand-typed from localized Windows builds).
  const words = JSON.parse(
    readFileSync(new URL('./fixtures/windows/netstat-state-words.json', import.meta.url), 'utf8'),
  ) as { listen: [string, string][]; established: [string, string][] };
  const raw = readFileSync(new URL('./fixtures/windows/netstat-state-words-utf8.txt', import.meta.url));

  it.each([
    ['UTF-8', raw],
    [
      'UTF-16LE with a BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(raw.toString('utf8'), 'utf16le')]),
    ],
  ])('lists one listener per localized LISTENING word and none for the others (%s)', (_, bytes) => {
    const { listeners, skipped } = parseNetstatAno(decodeToolOutput(bytes));
    expect(skipped).toBe(0);
    expect(listeners.map((l) => l.port).sort()).toEqual(words.listen.map((_w, i) => 20000 + i));
    expect(listeners.every((l) => l.address === '0.0.0.0' && l.pid !== null)).toBe(true);
  });

  it('keeps multi-word states (IN ASCOLTO, A ESCUTAR) from shifting the pid', () => {
    const { listeners } = parseNetstatAno(decodeToolOutput(raw));
    const at = words.listen.findIndex(([lang]) => lang === 'it');
    expect(listeners.find((l) => l.port === 20000 + at)?.pid).toBe(1000 + at);
  });
});
