import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scannerChain } from '../service/platform.js';
import { decodeToolOutput } from './decode-output.js';
import { createFallbackScanner } from './fallback-scanner.js';
import { createLsofScanner } from './lsof-scanner.js';
import { createMacosNetstatScanner } from './macos-netstat-scanner.js';
import { parseMacosNetstat } from './parse-netstat-macos.js';
import { createStandInTools, type StandInTools } from './test-support/stand-in-tool.js';
import type { RawListener } from './types.js';

// Hand-typed from the documented column layouts; no Mac was available to record them.
const fixture = (name: string): Buffer =>
  readFileSync(new URL(`./fixtures/corpus/macos/${name}`, import.meta.url));
const show = (ls: readonly RawListener[]): string[] =>
  ls.map((l) => `${l.protocol}${l.family ?? '?'} ${l.address} ${l.port} pid=${l.pid ?? '-'}`).sort();

const EXPECTED = [
  'tcp4 127.0.0.1 3000 pid=12345',
  'tcp6 :: 8080 pid=501',
  'tcp6 ::1 5432 pid=88',
  'udp4 0.0.0.0 5353 pid=312',
  'udp6 fe80::1%lo0 5353 pid=312',
].sort();

describe('parseMacosNetstat (netstat -anvW)', () => {
  it.each(['netstat-macos12-anvW-pid-column.txt', 'netstat-macos14-anvW-process-pid.txt'])(
    'reads listeners and pids from %s, dropping connections and unbound sockets',
    (name) => {
      const parsed = parseMacosNetstat(decodeToolOutput(fixture(name)));
      expect(parsed.unrecognized).toBeUndefined();
      expect(parsed.skipped).toBe(0);
      expect(show(parsed.listeners)).toEqual(EXPECTED);
    },
  );

  it('calls output without the Internet table unrecognised, not empty', () => {
    expect(
      parseMacosNetstat('netstat: sysctl: net.inet.tcp.pcblist_n: Operation not permitted\n').unrecognized
        ?.kind,
    ).toBe('no-table');
  });

  it('reads a header with no rows as a real empty table', () => {
    const header = fixture('netstat-macos14-anvW-process-pid.txt').toString('utf8').split('\n').slice(0, 2);
    expect(parseMacosNetstat(`${header.join('\n')}\n`)).toEqual({ listeners: [], skipped: 0 });
  });
});

describe('macOS backend chain: lsof, then netstat -anvW', () => {
  let tools: StandInTools;
  beforeAll(() => {
    tools = createStandInTools();
  });
  afterAll(() => tools.remove());

  it('puts netstat second on macOS, after lsof', () => {
    expect(scannerChain('darwin').map((s) => s.id)).toEqual(['lsof', 'macos-netstat', 'systeminformation']);
  });

  it('falls back to netstat when lsof is missing, and says so', async () => {
    const netstat = tools.printing('netstat', fixture('netstat-macos14-anvW-process-pid.txt'));
    const chain = createFallbackScanner([
      createLsofScanner({ candidates: [tools.missing('lsof')] }),
      createMacosNetstatScanner({ candidates: [netstat] }),
    ]);
    const outcome = await chain.scan();
    expect(outcome.backend).toBe('macos-netstat');
    expect(outcome.ok && show(outcome.listeners)).toEqual(EXPECTED);
    expect(outcome.ok && outcome.notes.map((n) => n.code)).toContain('FALLBACK');
  });
});
