import { createServer } from 'node:net';

/** Whether `port` can be bound on `address` right now (EADDRNOTAVAIL: that family is absent). */
export function canBind(address: string, port: number): Promise<'free' | 'busy' | 'no-address'> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT' ? 'no-address' : 'busy'),
    );
    s.listen({ port, host: address, exclusive: true, ipv6Only: address.includes(':') }, () =>
      s.close(() => resolve('free')),
    );
  });
}

/** A port the OS hands out on 127.0.0.1 (listen on 0), released again. */
function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Whether a port is free on every loopback this machine has (IPv6 loopback may be absent). */
async function freeOnLoopbacks(port: number): Promise<{ free: boolean; v6: boolean }> {
  if ((await canBind('127.0.0.1', port)) !== 'free') return { free: false, v6: false };
  const v6 = await canBind('::1', port);
  return { free: v6 !== 'busy', v6: v6 === 'free' };
}

/**
 * The local port for a forward of remote `wanted`: the same number when it is free on 127.0.0.1
 * (and ::1), otherwise one the OS picks, so the caller shows the mapping (never a silent remap:
 * vscode-remote-release#4958). `exclude`: ports just refused by ssh in a race.
 */
export async function pickLocalPort(
  wanted: number,
  exclude: ReadonlySet<number> = new Set(),
): Promise<{ port: number; v6: boolean }> {
  if (!exclude.has(wanted)) {
    const same = await freeOnLoopbacks(wanted);
    if (same.free) return { port: wanted, v6: same.v6 };
  }
  for (let i = 0; i < 20; i += 1) {
    const p = await anyFreePort();
    if (exclude.has(p)) continue;
    const r = await freeOnLoopbacks(p);
    if (r.free) return { port: p, v6: r.v6 };
  }
  throw new Error('No free local port on the loopback interfaces.');
}
