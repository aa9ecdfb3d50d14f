import { describe, expect, it } from 'vitest';
import type { ListenerChild } from '../testing/listener-child.js';
import { useListenerPair } from './test-support/listener-pair.js';
import { createLinuxScanner } from './linux-scanner.js';

const linux = process.platform === 'linux';

// The CLI's port commands (`who 3000`, `kill 3000`…) scan with a port focus: only that port's
// sockets and their holders' other sockets are attributed, so a cold start does not walk every
// process's fd table on a busy machine (issue 14 item 2).
describe.runIf(linux)('Linux scanner focused on one port', () => {
  let a: ListenerChild;
  let b: ListenerChild;
  useListenerPair((loopback, wildcard) => {
    a = loopback;
    b = wildcard;
  });

  for (const listing of ['netlink', 'procfs'] as const) {
    it(`lists the port's holder with every other socket it holds, and nobody else's (${listing})`, async () => {
      const port = a.sockets[0]?.port ?? 0;
      const scanner = createLinuxScanner({ listing, focusPorts: [port] });
      const out = await scanner.scan();
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      const mine = a.sockets.map((s) => s.port);
      for (const p of mine) {
        const hit = out.listeners.find((l) => l.port === p);
        expect(hit, `port ${p} of the holder`).toBeDefined();
        expect(hit?.pid).toBe(a.pid);
      }
      for (const s of b.sockets) expect(out.listeners.some((l) => l.port === s.port)).toBe(false);
      expect(out.listeners.every((l) => l.port === port || l.pid === a.pid)).toBe(true);
      scanner.dispose?.();
    });
  }

  it('does not walk any process for a port nobody holds', async () => {
    const free = (b.sockets[0]?.port ?? 0) === 65535 ? 65534 : 65535;
    const scanner = createLinuxScanner({ focusPorts: [free] });
    const out = await scanner.scan();
    expect(out.ok && out.listeners.filter((l) => l.port === free)).toEqual([]);
    expect(scanner.ownerMap.stats.pidsWalked).toBe(0);
    scanner.dispose?.();
  });
});
