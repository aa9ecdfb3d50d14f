import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BAD_PORT_TEXTS, BAD_PORT_VALUES } from '../testing/bad-input.js';
import type { SnapshotSource } from '../watch/types.js';
import {
  bindTest,
  bindTestFamily,
  ipv6Available,
  listsIpv6Loopback,
  lookupPort,
  nextFreePort,
} from './lookup.js';
import { freePort, killTracked, startServer } from './test-support/processes.js';
import { createCoreSource } from './test-support/core-source.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('lookupPort with real sockets', () => {
  afterEach(() => killTracked());

  it('names the holder of a listening port and suggests the next free one', async () => {
    const server = await startServer();
    const r = await lookupPort(server.port, { source: createCoreSource() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.free).toBe(false);
    expect(r.value.holders.map((l) => (l.owner.kind === 'process' ? l.owner.pid : null))).toContain(
      server.pid,
    );
    expect(r.value.bindTests).toEqual([]);
    expect(r.value.nextFree).not.toBeNull();
    expect(r.value.nextFree).toBeGreaterThan(server.port);
    expect(await bindTest('tcp', 4, '127.0.0.1', r.value.nextFree ?? 0)).toEqual({ free: true });
  });

  it('calls a port free only after bind tests on every protocol and family pass', async () => {
    const port = await freePort();
    const r = await lookupPort(String(port), { source: createCoreSource() });
    expect(r).toMatchObject({ ok: true, value: { port, free: true, holders: [], nextFree: port } });
    if (!r.ok) return;
    const v6 = await ipv6Available();
    expect(r.value.bindTests.map((t) => `${t.protocol}${t.family}`)).toEqual(
      v6 ? ['tcp4', 'tcp6', 'udp4', 'udp6'] : ['tcp4', 'udp4'],
    );
    expect(r.value.bindTests.every((t) => t.free)).toBe(true);
  });

  it('does not call a port free when a socket the scan does not list holds it', async () => {
    // A connected UDP socket is not "listening", so no scanner lists it, but it still owns the port.
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.connect(9, '127.0.0.1', () => resolve()));
    try {
      const r = await lookupPort(port, { source: createCoreSource() });
      expect(r).toMatchObject({ ok: true, value: { holders: [], free: false } });
      if (!r.ok) return;
      expect(r.value.bindTests).toContainEqual({
        protocol: 'udp',
        family: 4,
        free: false,
        code: 'EADDRINUSE',
      });
    } finally {
      socket.close();
    }
  });

  // One TCP listener on one address, which the scan is made not to list (as for another user's
  // socket): the dual-stack bind that answers for all four addresses must fail, and the
  // per-address binds after it must name the family that is taken and leave the other free.
  const blockers = [
    { host: '127.0.0.1', family: 4 },
    { host: '0.0.0.0', family: 4 },
    { host: '::1', family: 6 },
    { host: '::', family: 6 },
  ] as const;
  it.each(blockers)(
    'finds a TCP port taken only on $host, and says which family',
    async ({ host, family }) => {
      if (family === 6 && !(await ipv6Available())) {
        console.log(`skipped: no IPv6 here, so nothing can listen on ${host}`);
        return;
      }
      const server: Server = createServer();
      await new Promise<void>((resolve) =>
        server.listen({ port: 0, host, ipv6Only: family === 6 }, () => resolve()),
      );
      const port = (server.address() as { port: number }).port;
      try {
        const core = createCoreSource();
        const unseen: SnapshotSource = {
          latest: () => core.latest(),
          refresh: async () => {
            const s = await core.refresh();
            return { ...s, listeners: s.listeners.filter((l) => l.port !== port) };
          },
        };
        const r = await lookupPort(port, { source: unseen, maxScan: 1 });
        expect(r).toMatchObject({ ok: true, value: { holders: [], free: false, nextFree: null } });
        if (!r.ok) return;
        const tcp = r.value.bindTests.filter((t) => t.protocol === 'tcp');
        expect(tcp).toContainEqual({ protocol: 'tcp', family, free: false, code: 'EADDRINUSE' });
        // The other family says what its own binds say (other sockets on this busy machine may
        // hold the port there too, so "free" is not assumed).
        const other = tcp.find((t) => t.family !== family);
        if (other) expect(other).toEqual(await bindTestFamily('tcp', other.family, port));
        expect(await nextFreePort(port, { maxScan: 1 })).toBeNull();
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  // As root a bind to port 1 succeeds, so this case can only be seen as another user.
  if (process.getuid?.() === 0)
    console.log('skipped: the EACCES bind case runs only as a non-root user (this run is root)');
  it.runIf(process.getuid?.() !== 0)('reports EACCES for a privileged port as a non-root user', async () => {
    const r = await bindTest('tcp', 4, '127.0.0.1', 1);
    expect(r).toEqual({ free: false, code: 'EACCES' });
  });
});

describe('port parsing for lookups', () => {
  const untouched: SnapshotSource = {
    latest: () => {
      throw new Error('must not read the snapshot');
    },
    refresh: () => Promise.reject(new Error('must not scan')),
  };
  it.each([...BAD_PORT_TEXTS, ...BAD_PORT_VALUES])(
    'rejects %j with the valid range and without scanning',
    async (port) => {
      const r = await lookupPort(port, { source: untouched });
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PORT' } });
      if (!r.ok) expect(r.error.message).toContain('1–65535');
    },
  );
});

describe.runIf(linux)('nextFreePort', () => {
  afterEach(() => killTracked());

  it('skips ports that are held, by the snapshot or by a bind test', async () => {
    const server = await startServer();
    const next = await nextFreePort(server.port);
    expect(next).not.toBe(server.port);
    const skipped = await nextFreePort(server.port + 1, { held: new Set([server.port + 1]) });
    expect(skipped).not.toBe(server.port + 1);
  });

  it('stays within the port range and its scan bound', async () => {
    expect(await nextFreePort(0)).toBeNull();
    const atTop = await nextFreePort(65535, { maxScan: 1 });
    expect(atTop === null || atTop === 65535).toBe(true);
  });
});

describe('IPv6 availability', () => {
  it('reads ::1 from /proc/net/if_inet6 lines, and nothing else as the loopback', () => {
    const lo = '00000000000000000000000000000001 01 80 10 80       lo\n';
    const eth = 'fd000000000000000000000000000002 04 40 00 82     eth0\n';
    expect(listsIpv6Loopback(eth + lo)).toBe(true);
    expect(listsIpv6Loopback(eth)).toBe(false);
    expect(listsIpv6Loopback('')).toBe(false);
    // ::1 as a prefix of a longer address, or ::10, is not the loopback.
    expect(listsIpv6Loopback('00000000000000000000000000000010 01 80 10 80 lo\n')).toBe(false);
  });

  it('agrees with a real bind of ::1 on this machine', async () => {
    const bound = await bindTest('tcp', 6, '::1', 0);
    const canBind = bound.free || (bound.code !== 'EADDRNOTAVAIL' && bound.code !== 'EAFNOSUPPORT');
    expect(await ipv6Available()).toBe(canBind);
  });
});
