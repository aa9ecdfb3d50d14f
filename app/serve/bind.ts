import type { Server } from 'node:http';
import { cleanText } from '../model/clean-text.js';
import type { Listener } from '../model/listener.js';
import type { HarbormasterService } from '../service/types.js';

/**
 * Binding `harbormaster serve`: loopback literals only (127.0.0.1 and, when available, ::1 on the
 * same port), and the phrase that says who holds a taken port. Split out of server.ts.
 */

type ListenOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string };

function listen(server: Server, port: number, host: string): Promise<ListenOutcome> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      resolve({ ok: false, code: error.code ?? 'UNKNOWN' });
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve({ ok: true });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Loopback literals only, never 0.0.0.0, :: or 'localhost' (docs/SECURITY.md#browser-mode).
    server.listen({ port, host, exclusive: true });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Says who holds `port`, from the core's own lookup, in one short phrase. */
export async function describeHolder(service: HarbormasterService, port: number): Promise<string> {
  try {
    const found = await service.lookup({ port });
    if (!found.ok) return 'another process';
    const holders = found.value.holders.filter((l: Listener) => l.protocol === 'tcp');
    const first = holders[0];
    if (!first) return 'another process (not visible to this user)';
    // The holder's name is untrusted (a process sets its own): cleaned before any terminal sees it.
    if (first.owner.kind === 'process') {
      return `${cleanText(first.owner.name, { max: 60 })} (pid ${first.owner.pid}, ${first.address}:${first.port})`;
    }
    return `a process we cannot see (${cleanText(first.owner.message, { max: 200 })})`;
  } catch {
    return 'another process';
  }
}

export interface Bound {
  readonly servers: Server[];
  readonly port: number;
  readonly addresses: string[];
}

export type BindOutcome =
  { readonly ok: true; readonly bound: Bound } | { readonly ok: false; readonly code: string };

/** Binds 127.0.0.1 and (when available) ::1 on one port; with port 0 retries if ::1 is taken. */
export async function bindLoopback(make: () => Server, port: number, ipv6: boolean): Promise<BindOutcome> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const v4 = make();
    const r4 = await listen(v4, port, '127.0.0.1');
    if (!r4.ok) return { ok: false, code: r4.code };
    const actual = boundPort(v4);
    if (!ipv6) return { ok: true, bound: { servers: [v4], port: actual, addresses: ['127.0.0.1'] } };
    const v6 = make();
    const r6 = await listen(v6, actual, '::1');
    if (r6.ok)
      return { ok: true, bound: { servers: [v4, v6], port: actual, addresses: ['127.0.0.1', '::1'] } };
    if (r6.code !== 'EADDRINUSE') {
      // No IPv6 loopback here (EADDRNOTAVAIL/EAFNOSUPPORT): serve IPv4 only.
      return { ok: true, bound: { servers: [v4], port: actual, addresses: ['127.0.0.1'] } };
    }
    await closeServer(v4);
    if (port !== 0) return { ok: false, code: 'EADDRINUSE' };
  }
  return { ok: false, code: 'EADDRINUSE' };
}
