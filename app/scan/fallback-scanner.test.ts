import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createFallbackScanner } from './fallback-scanner.js';
import type { ScanOutcome, Scanner } from './types.js';

// A full collection on demand, without starting the test runner with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('createFallbackScanner', () => {
  it('keeps no scan outcome once its callers are done with it', async () => {
    const outcome = (): ScanOutcome => ({
      ok: true,
      backend: 'procfs',
      listeners: Array.from({ length: 100 }, (_, i) => ({
        protocol: 'tcp' as const,
        family: 4 as const,
        address: '127.0.0.1',
        port: 20_000 + i,
        socketId: String(i),
        uid: 0,
        pid: 1,
        processName: 'x',
      })),
      notes: [],
    });
    const backend: Scanner = { id: 'procfs', scan: () => Promise.resolve(outcome()) };
    const scanner = createFallbackScanner([backend]);
    const first = new WeakRef(await scanner.scan());
    for (let i = 0; i < 5; i += 1) await scanner.scan();
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(first.deref()).toBeUndefined();
  });

  it('still runs scans one at a time, in order', async () => {
    const log: string[] = [];
    let n = 0;
    const backend: Scanner = {
      id: 'procfs',
      scan: async () => {
        const i = (n += 1);
        log.push(`start ${i}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${i}`);
        return { ok: true, backend: 'procfs', listeners: [], notes: [] };
      },
    };
    const scanner = createFallbackScanner([backend]);
    await Promise.all([scanner.scan(), scanner.scan(), scanner.scan()]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});
