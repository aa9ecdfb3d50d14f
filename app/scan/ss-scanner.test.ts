import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenerChild } from '../testing/listener-child.js';
import { useListenerPair } from './test-support/listener-pair.js';
import { createSsScanner, SS_PATHS } from './ss-scanner.js';
import { findTool } from './run-tool.js';
import { createStandInTools, type StandInTools } from './test-support/stand-in-tool.js';
import type { RawListener, ScanOutcome } from './types.js';

const hasSs = process.platform === 'linux' && (await findTool(SS_PATHS)) !== null;

const listenersOf = (o: ScanOutcome): readonly RawListener[] => {
  if (!o.ok) throw new Error(`scan failed: ${o.error.code} ${o.error.message}`);
  return o.listeners;
};

const EXPECTED = [
  { child: 'a', i: 0, protocol: 'tcp', family: 4, address: '127.0.0.1' },
  { child: 'a', i: 1, protocol: 'tcp', family: 6, address: '::1' },
  { child: 'a', i: 2, protocol: 'udp', family: 4, address: '127.0.0.1' },
  { child: 'a', i: 3, protocol: 'udp', family: 6, address: '::1' },
  { child: 'b', i: 0, protocol: 'tcp', family: 4, address: '0.0.0.0' },
  { child: 'b', i: 1, protocol: 'tcp', family: 6, address: '::' },
  { child: 'b', i: 2, protocol: 'udp', family: 4, address: '0.0.0.0' },
  { child: 'b', i: 3, protocol: 'udp', family: 6, address: '::' },
] as const;

describe.runIf(hasSs)('ss scanner with real sockets', () => {
  const children: Record<'a' | 'b', ListenerChild | undefined> = { a: undefined, b: undefined };
  useListenerPair((loopback, wildcard) => {
    children.a = loopback;
    children.b = wildcard;
  });

  it('finds TCP and UDP on 127.0.0.1, ::1, 0.0.0.0 and :: with the right pid, family and address', async () => {
    const outcome = await createSsScanner().scan();
    expect(outcome.backend).toBe('ss');
    const listeners = listenersOf(outcome);
    for (const e of EXPECTED) {
      const child = children[e.child];
      const port = child?.sockets[e.i]?.port;
      const hits = listeners.filter(
        (l) => l.port === port && l.protocol === e.protocol && l.family === e.family,
      );
      expect(hits, `${e.protocol}${e.family} ${e.address}:${port}`).toHaveLength(1);
      expect(hits[0]).toMatchObject({ address: e.address, pid: child?.pid, processName: 'node' });
      expect(hits[0]?.socketId).toMatch(/^\d+$/);
    }
  });

  it('no longer lists a socket once it is closed', async () => {
    const b = children.b;
    const port = b?.sockets[1]?.port;
    await b?.close(1);
    const listeners = listenersOf(await createSsScanner().scan());
    expect(listeners.some((l) => l.port === port && l.protocol === 'tcp')).toBe(false);
    expect(listeners.some((l) => l.port === b?.sockets[3]?.port && l.protocol === 'udp')).toBe(true);
  });
});

describe('ss scanner states', () => {
  let tools: StandInTools;
  beforeAll(() => {
    tools = createStandInTools();
  });
  afterAll(() => tools.remove());

  it('says TOOL_MISSING when ss is not installed', async () => {
    const outcome = await createSsScanner({ candidates: [tools.missing('ss')] }).scan();
    expect(outcome).toMatchObject({ ok: false, backend: 'ss', error: { code: 'TOOL_MISSING' } });
  });

  it('says TIMEOUT when ss hangs, and kills it', async () => {
    const slow = tools.script('ss-slow', 'sleep 5');
    const started = Date.now();
    const outcome = await createSsScanner({ candidates: [slow], timeoutMs: 200 }).scan();
    expect(outcome).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('says EPERM when ss is refused access', async () => {
    const denied = tools.script(
      'ss-denied',
      'echo "Cannot open netlink socket: Permission denied" >&2; exit 1',
    );
    const outcome = await createSsScanner({ candidates: [denied] }).scan();
    expect(outcome).toMatchObject({ ok: false, error: { code: 'EPERM' } });
  });

  it('says SCAN_FAILED, not "no listeners", when the output is unreadable', async () => {
    const junk = tools.printing('ss-junk', 'ss: unknown option\nsomething else entirely\n');
    const outcome = await createSsScanner({ candidates: [junk] }).scan();
    expect(outcome).toMatchObject({ ok: false, error: { code: 'SCAN_FAILED' } });
  });

  it('reports no listeners as ok with an empty list', async () => {
    const empty = tools.printing('ss-empty', '');
    const outcome = await createSsScanner({ candidates: [empty] }).scan();
    expect(outcome).toEqual({ ok: true, backend: 'ss', listeners: [], notes: [] });
  });

  it('lists other users’ sockets with pid null and counts them in an OWNERS_HIDDEN note', async () => {
    const text = readFileSync(new URL('./fixtures/ss/ss-linux-nonroot-e.txt', import.meta.url), 'utf8');
    const outcome = await createSsScanner({ candidates: [tools.printing('ss-nonroot', text)] }).scan();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.listeners).toHaveLength(16);
    expect(outcome.notes).toEqual([expect.objectContaining({ code: 'OWNERS_HIDDEN', count: 16 })]);
  });

  it('keeps what it could read and notes the unreadable lines', async () => {
    const text = readFileSync(new URL('./fixtures/ss/ss-garbage.txt', import.meta.url), 'utf8');
    const outcome = await createSsScanner({ candidates: [tools.printing('ss-garbage', text)] }).scan();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.listeners).toHaveLength(2);
    expect(outcome.notes).toContainEqual(expect.objectContaining({ code: 'PARTIAL_OUTPUT', count: 8 }));
  });

  it('runs one ss at a time: a second scan during the first shares its result', async () => {
    const counter = tools.script('ss-count', `echo x >> '${tools.dir}/count'; sleep 0.3`);
    const scanner = createSsScanner({ candidates: [counter] });
    const [first, second] = await Promise.all([scanner.scan(), scanner.scan()]);
    expect(second).toBe(first);
    const runs = readFileSync(`${tools.dir}/count`, 'utf8').trim().split('\n');
    expect(runs).toHaveLength(1);
  });
});
