import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenerChild } from '../testing/listener-child.js';
import { useListenerPair } from './test-support/listener-pair.js';
import { createLsofScanner, LSOF_PATHS } from './lsof-scanner.js';
import { findTool } from './run-tool.js';
import { createStandInTools, type StandInTools } from './test-support/stand-in-tool.js';
import type { RawListener, ScanOutcome } from './types.js';

const hasLsof = process.platform !== 'win32' && (await findTool(LSOF_PATHS)) !== null;

const listenersOf = (o: ScanOutcome): readonly RawListener[] => {
  if (!o.ok) throw new Error(`scan failed: ${o.error.code} ${o.error.message}`);
  return o.listeners;
};

describe.runIf(hasLsof)('lsof scanner with real sockets', () => {
  let a: ListenerChild | undefined;
  let b: ListenerChild | undefined;
  useListenerPair((loopback, wildcard) => {
    a = loopback;
    b = wildcard;
  });

  it('finds TCP and UDP on 127.0.0.1, ::1, 0.0.0.0 and :: with the right pid, family and address', async () => {
    const outcome = await createLsofScanner().scan();
    expect(outcome.backend).toBe('lsof');
    const listeners = listenersOf(outcome);
    const expected = [
      { child: a, i: 0, protocol: 'tcp', family: 4, address: '127.0.0.1' },
      { child: a, i: 1, protocol: 'tcp', family: 6, address: '::1' },
      { child: a, i: 2, protocol: 'udp', family: 4, address: '127.0.0.1' },
      { child: a, i: 3, protocol: 'udp', family: 6, address: '::1' },
      { child: b, i: 0, protocol: 'tcp', family: 4, address: '0.0.0.0' },
      { child: b, i: 1, protocol: 'tcp', family: 6, address: '::' },
      { child: b, i: 2, protocol: 'udp', family: 4, address: '0.0.0.0' },
      { child: b, i: 3, protocol: 'udp', family: 6, address: '::' },
    ];
    for (const e of expected) {
      const port = e.child?.sockets[e.i]?.port;
      const hits = listeners.filter(
        (l) => l.port === port && l.protocol === e.protocol && l.family === e.family,
      );
      expect(hits, `${e.protocol}${e.family} ${e.address}:${port}`).toHaveLength(1);
      expect(hits[0]).toMatchObject({ address: e.address, pid: e.child?.pid, processName: 'node' });
    }
  });

  it('no longer lists a socket once it is closed', async () => {
    const port = a?.sockets[3]?.port;
    await a?.close(3);
    const listeners = listenersOf(await createLsofScanner().scan());
    expect(listeners.some((l) => l.port === port && l.protocol === 'udp')).toBe(false);
    expect(listeners.some((l) => l.port === a?.sockets[0]?.port && l.protocol === 'tcp')).toBe(true);
  });
});

describe('lsof scanner states', () => {
  let tools: StandInTools;
  beforeAll(() => {
    tools = createStandInTools();
  });
  afterAll(() => tools.remove());

  it('says TOOL_MISSING when lsof is not installed', async () => {
    const outcome = await createLsofScanner({ candidates: [tools.missing('lsof')] }).scan();
    expect(outcome).toMatchObject({ ok: false, backend: 'lsof', error: { code: 'TOOL_MISSING' } });
  });

  it('treats exit 1 with no output as "no listeners"', async () => {
    const outcome = await createLsofScanner({ candidates: [tools.printing('lsof-none', '', 1)] }).scan();
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.listeners).toEqual([]);
  });

  it('treats exit 1 with an error message as a failed scan, not as "no listeners"', async () => {
    const broken = tools.script('lsof-broken', 'echo "lsof: unsupported option" >&2; exit 1');
    const outcome = await createLsofScanner({ candidates: [broken] }).scan();
    expect(outcome).toMatchObject({ ok: false, error: { code: 'SCAN_FAILED' } });
    expect(!outcome.ok && outcome.error.message).toContain('unsupported option');
  });

  it('says TIMEOUT when lsof hangs', async () => {
    const slow = tools.script('lsof-slow', 'sleep 5');
    const outcome = await createLsofScanner({ candidates: [slow], timeoutMs: 200 }).scan();
    expect(outcome).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('reads macOS field output through the adapter', async () => {
    const text = readFileSync(new URL('./fixtures/lsof/lsof-macos-handwritten.txt', import.meta.url), 'utf8');
    const outcome = await createLsofScanner({ candidates: [tools.printing('lsof-mac', text)] }).scan();
    expect(outcome.ok && outcome.listeners).toHaveLength(11);
  });
});
