import { describe, expect, it } from 'vitest';
import { createFallbackScanner } from '../scan/fallback-scanner.js';
import type { ScanOutcome, Scanner } from '../scan/types.js';
import { defaultScanner } from './platform.js';

const fake = (id: Scanner['id'], outcome: () => ScanOutcome): Scanner & { calls: number } => {
  const s = {
    id,
    calls: 0,
    async scan() {
      s.calls += 1;
      return outcome();
    },
  };
  return s;
};

describe('scanner selection', () => {
  it('picks the in-process Linux backend first on Linux', () => {
    expect(['netlink', 'procfs']).toContain(defaultScanner('linux').id);
    expect(defaultScanner('darwin').id).toBe('lsof');
    expect(defaultScanner('win32').id).toBe('windows-netstat');
  });

  it('falls back past a missing tool for good, names the backend that ran, and says why', async () => {
    const missing = fake('ss', () => ({
      ok: false,
      backend: 'ss',
      error: { code: 'TOOL_MISSING', message: 'ss is not installed.' },
    }));
    const si = fake('systeminformation', () => ({
      ok: true,
      backend: 'systeminformation',
      listeners: [],
      notes: [],
    }));
    const chain = createFallbackScanner([missing, si]);
    const first = await chain.scan();
    expect(first.ok && first.backend).toBe('systeminformation');
    expect(first.ok && first.notes[0]?.code).toBe('FALLBACK');
    expect(chain.id).toBe('systeminformation');
    await chain.scan();
    expect(missing.calls).toBe(1); // not retried every poll
  });

  it('keeps a timed-out backend for the next scan but uses the next one now', async () => {
    let slow = true;
    const primary = fake('netlink', () =>
      slow
        ? { ok: false, backend: 'netlink', error: { code: 'TIMEOUT', message: 'slow' } }
        : { ok: true, backend: 'netlink', listeners: [], notes: [] },
    );
    const second = fake('ss', () => ({ ok: true, backend: 'ss', listeners: [], notes: [] }));
    const chain = createFallbackScanner([primary, second]);
    expect((await chain.scan()).backend).toBe('ss');
    slow = false;
    expect((await chain.scan()).backend).toBe('netlink');
  });

  it('reports the last error when every backend fails, never an empty "no listeners"', async () => {
    const chain = createFallbackScanner([
      fake('ss', () => ({ ok: false, backend: 'ss', error: { code: 'TIMEOUT', message: 'ss timed out' } })),
      fake('systeminformation', () => ({
        ok: false,
        backend: 'systeminformation',
        error: { code: 'SCAN_FAILED', message: 'netstat failed' },
      })),
    ]);
    const r = await chain.scan();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('SCAN_FAILED');
  });
});
