import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnListeners, type ListenerChild } from '../testing/listener-child.js';
import {
  createSystemInformationScanner,
  parseSystemInformationConnections,
  SI_NO_UDP_NOTE,
} from './si-scanner.js';
import type { RawListener } from './types.js';

const rows = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/si/${name}`, import.meta.url), 'utf8'));

const show = (ls: readonly RawListener[]): string[] =>
  ls.map((l) => `${l.protocol}${l.family} ${l.address} ${l.port} pid=${l.pid ?? '-'}`).sort();

describe('parseSystemInformationConnections', () => {
  it('keeps TCP LISTEN rows of a real Linux capture, IPv6 and v4-mapped included', () => {
    const { listeners, skipped } = parseSystemInformationConnections(rows('linux-network-connections.json'));
    expect(skipped).toBe(0);
    expect(show(listeners.filter((l) => l.pid === 19633))).toEqual(
      [
        'tcp4 0.0.0.0 8081 pid=19633',
        'tcp4 127.0.0.1 3000 pid=19633',
        'tcp4 0.0.0.0 5358 pid=19633',
        'tcp4 127.0.0.1 9000 pid=19633',
        'tcp6 :: 8080 pid=19633',
        'tcp6 ::1 5000 pid=19633',
        'tcp6 ::ffff:127.0.0.1 8090 pid=19633',
        'tcp6 :: 8443 pid=19633',
      ].sort(),
    );
    expect(listeners.find((l) => l.port === 2024)?.pid).toBeNull();
  });

  it('never turns UDP rows into listeners (the connected one in the capture included)', () => {
    const { listeners } = parseSystemInformationConnections(rows('linux-network-connections.json'));
    expect(listeners.some((l) => l.protocol === 'udp' || l.port === 5400)).toBe(false);
  });

  it('reads macOS/Windows-shaped rows and counts the broken ones', () => {
    const { listeners, skipped } = parseSystemInformationConnections(
      rows('other-os-network-connections.json'),
    );
    expect(show(listeners)).toEqual([
      'tcp4 0.0.0.0 445 pid=4',
      'tcp4 0.0.0.0 5432 pid=88',
      'tcp4 127.0.0.1 3000 pid=501',
      'tcp6 :: 135 pid=1020',
      'tcp6 :: 8080 pid=501',
    ]);
    expect(skipped).toBe(4);
  });

  it('reports a non-array as unreadable', () => {
    expect(parseSystemInformationConnections({})).toEqual({ listeners: [], skipped: 1 });
  });
});

describe('systeminformation scanner', () => {
  let child: ListenerChild | undefined;
  beforeAll(async () => {
    child = await spawnListeners([
      { protocol: 'tcp', host: '127.0.0.1' },
      { protocol: 'tcp', host: '::1' },
      { protocol: 'tcp', host: '0.0.0.0' },
      { protocol: 'tcp', host: '::' },
      { protocol: 'udp', host: '127.0.0.1' },
    ]);
  });
  afterAll(async () => {
    await child?.kill();
  });

  it.runIf(process.platform === 'linux')(
    'finds the real TCP listeners with their pid and says UDP is not covered',
    async () => {
      const outcome = await createSystemInformationScanner().scan();
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      expect(outcome.backend).toBe('systeminformation');
      const expected = [
        [0, 4, '127.0.0.1'],
        [1, 6, '::1'],
        [2, 4, '0.0.0.0'],
        [3, 6, '::'],
      ] as const;
      for (const [i, family, address] of expected) {
        const port = child?.sockets[i]?.port;
        const hit = outcome.listeners.find((l) => l.port === port && l.family === family);
        expect(hit, `tcp${family} ${address}:${port}`).toMatchObject({
          protocol: 'tcp',
          address,
          pid: child?.pid,
        });
      }
      expect(outcome.listeners.some((l) => l.port === child?.sockets[4]?.port)).toBe(false);
      expect(outcome.notes).toContainEqual(SI_NO_UDP_NOTE);
    },
  );

  it('says TIMEOUT when systeminformation does not answer', async () => {
    const scanner = createSystemInformationScanner({
      timeoutMs: 50,
      networkConnections: () => new Promise(() => undefined),
    });
    expect(await scanner.scan()).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('says SCAN_FAILED when systeminformation throws or returns nonsense', async () => {
    const throwing = createSystemInformationScanner({
      networkConnections: () => Promise.reject(new Error('boom')),
    });
    expect(await throwing.scan()).toMatchObject({ ok: false, error: { code: 'SCAN_FAILED' } });
    const nonsense = createSystemInformationScanner({ networkConnections: async () => 'nope' });
    expect(await nonsense.scan()).toMatchObject({ ok: false, error: { code: 'SCAN_FAILED' } });
  });

  it('reports no listeners as ok with an empty list, still saying UDP is not covered', async () => {
    const scanner = createSystemInformationScanner({ networkConnections: async () => [] });
    expect(await scanner.scan()).toEqual({
      ok: true,
      backend: 'systeminformation',
      listeners: [],
      notes: [SI_NO_UDP_NOTE],
    });
  });
});
