import { readFileSync } from 'node:fs';
import type { LookupResult } from '../model/actions.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Family, Protocol } from '../model/listener.js';
import { MAX_PORT, parsePort } from '../model/port.js';
import type { SnapshotSource } from '../watch/types.js';

/** One bind attempt: free, or the errno code that stopped it (`EADDRINUSE`, `EACCES`…). */
export interface BindAttempt {
  readonly free: boolean;
  readonly code?: string;
}

/** One protocol/family's bind-test result: free only if its wildcard and loopback both bind. */
interface FamilyTest {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly free: boolean;
  readonly code?: string;
}

/** The addresses a family's bind test tries: the wildcard and the loopback. */
const TEST_ADDRESSES: Readonly<Record<Family, readonly string[]>> = {
  4: ['0.0.0.0', '127.0.0.1'],
  6: ['::', '::1'],
};

/** How many ports {@link nextFreePort} tries before giving up. */
export const DEFAULT_NEXT_FREE_SCAN = 500;

function errnoCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/**
 * Tries to bind `address:port` and releases it at once. TCP uses Node's listen (which sets
 * SO_REUSEADDR on POSIX, so TIME_WAIT leftovers do not count as "in use" — exactly what a new
 * server would see); IPv6 binds are v6-only so each family is tested on its own.
 */
export function bindTest(
  protocol: Protocol,
  family: Family,
  address: string,
  port: number,
): Promise<BindAttempt> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      // node:net loads only when a bind is tried: `who` on a held port never needs it (cold start).
      const server = process.getBuiltinModule('node:net').createServer();
      server.once('error', (e) => resolve({ free: false, code: errnoCode(e) }));
      server.listen({ port, host: address, exclusive: true, ipv6Only: family === 6 }, () => {
        server.close(() => resolve({ free: true }));
      });
      return;
    }
    // node:dgram loads only when a UDP port is tried (cold start of the CLI, issue 14). Every
    // address here is an IP literal of ours, so `lookup` hands it back as it is: the default,
    // dns.lookup, loads node:dns and runs Node's IPv6 address parser, whose first use compiles a
    // large regular expression (~5 ms of a cold start, issue 14 item 2), to learn nothing.
    const socket = process.getBuiltinModule('node:dgram').createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      ipv6Only: family === 6,
      lookup: (literal, _options, callback) => callback(null, literal, family),
    });
    socket.once('error', (e) => {
      socket.close();
      resolve({ free: false, code: errnoCode(e) });
    });
    socket.bind({ port, address, exclusive: true }, () => socket.close(() => resolve({ free: true })));
  });
}

let ipv6Cache: boolean | null = null;

/**
 * True when /proc/net/if_inet6 text lists the loopback address `::1` (32 hex digits, 31 zeros
 * and a 1, then the interface index; proc(5)): then binding `::1` works. The file lists every
 * IPv6 address of this network namespace; `::1` is missing when IPv6 is disabled on `lo`.
 */
export function listsIpv6Loopback(ifInet6: string): boolean {
  return /^0{31}1 /m.test(ifInet6);
}

/** What /proc says about `::1`, or null where there is no such file (not Linux, no procfs). */
function ipv6LoopbackFromProc(): boolean | null {
  if (process.platform !== 'linux') return null;
  try {
    return listsIpv6Loopback(readFileSync('/proc/net/if_inet6', 'latin1'));
  } catch {
    return null;
  }
}

/**
 * True when this machine can bind `::1` (IPv6 may be disabled in containers and CI). Linux answers
 * from /proc/net/if_inet6, one small read; elsewhere one bind of `::1` tells. The read spares
 * every CLI lookup a bind and Node's IPv6 address parser, whose first use compiles a large
 * regular expression (~5 ms of a cold start, issue 14 item 2).
 */
export async function ipv6Available(): Promise<boolean> {
  if (ipv6Cache === null) {
    const fromProc = ipv6LoopbackFromProc();
    if (fromProc !== null) ipv6Cache = fromProc;
    else {
      const r = await bindTest('tcp', 6, '::1', 0);
      ipv6Cache = r.free || (r.code !== 'EADDRNOTAVAIL' && r.code !== 'EAFNOSUPPORT');
    }
  }
  return ipv6Cache;
}

let dualStackCache: boolean | null = null;

/**
 * True where one dual-stack bind of `[::]:port` can answer for the four TCP binds (0.0.0.0,
 * 127.0.0.1, ::, ::1): Linux, IPv6 on, and `net.ipv6.bindv6only` = 0, so a v6 socket bound
 * without IPV6_V6ONLY also holds the port on IPv4. Linux refuses such a bind when any TCP socket
 * on that port, of either family and on any address, is listening or lacks SO_REUSEADDR — the
 * same sockets that make one of the four binds fail (there is no BSD-style "wildcard beside a
 * specific address" on Linux); lookup.test.ts checks this with real sockets.
 */
async function dualStackAnswers(): Promise<boolean> {
  if (dualStackCache === null) {
    let bindv6only = '';
    if (process.platform === 'linux') {
      try {
        bindv6only = readFileSync('/proc/sys/net/ipv6/bindv6only', 'latin1').trim();
      } catch {
        // No such file: IPv6 is off or this is not procfs; the four binds decide.
      }
    }
    dualStackCache = bindv6only === '0' && (await ipv6Available());
  }
  return dualStackCache;
}

/**
 * One dual-stack bind of `[::]:port` (see {@link dualStackAnswers}), released at once; true only
 * when it bound as IPv6. It goes through net.Server.listen without a host: with a host (even an
 * IP literal) Node runs dns.lookup and its IPv6 address parser first (node:dns and ~5 ms of a
 * cold start, issue 14 item 2). Without one, Node binds `::` without IPV6_V6ONLY: a port in use
 * fails with EADDRINUSE from listen, and a bind that fails outright (no IPv6) makes Node bind
 * 0.0.0.0 instead, so a server that ended up on IPv4 counts as a failed dual-stack bind too.
 */
function dualStackBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = process.getBuiltinModule('node:net').createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () => {
      const address = server.address();
      const dual = typeof address === 'object' && address?.family === 'IPv6';
      server.close(() => resolve(dual));
    });
  });
}

/**
 * The TCP bind tests of `port`, v4 and (with `v6`) v6. Where one dual-stack bind can answer
 * ({@link dualStackAnswers}) and it binds, every family is free; when it fails, the per-address
 * binds run after it (it is released by then) and say which family failed and why.
 */
async function bindTestTcp(port: number, v6: boolean): Promise<FamilyTest[]> {
  if (v6 && (await dualStackAnswers()) && (await dualStackBind(port))) {
    return [
      { protocol: 'tcp', family: 4, free: true },
      { protocol: 'tcp', family: 6, free: true },
    ];
  }
  // v4 and v6 (v6-only) binds cannot collide with each other: tested together.
  return Promise.all((v6 ? ([4, 6] as const) : ([4] as const)).map((f) => bindTestFamily('tcp', f, port)));
}

/** Bind-tests one protocol/family on its wildcard and loopback addresses; free only if all bind. */
export async function bindTestFamily(protocol: Protocol, family: Family, port: number): Promise<FamilyTest> {
  for (const address of TEST_ADDRESSES[family]) {
    const r = await bindTest(protocol, family, address, port);
    if (!r.free) return { protocol, family, free: false, ...(r.code !== undefined ? { code: r.code } : {}) };
  }
  return { protocol, family, free: true };
}

/** Options for {@link nextFreePort}. */
export interface NextFreeOptions {
  /** Ports known to be held (from the snapshot); skipped without a bind test. */
  readonly held?: ReadonlySet<number>;
  /** How many ports to try (default {@link DEFAULT_NEXT_FREE_SCAN}). */
  readonly maxScan?: number;
  readonly ipv6?: boolean;
}

/** The first port ≥ `from` that binds on TCP v4 and (when available) v6, or null within the bound. */
export async function nextFreePort(from: number, options: NextFreeOptions = {}): Promise<number | null> {
  const start = parsePort(from);
  if (!start.ok) return null;
  const v6 = options.ipv6 ?? (await ipv6Available());
  const last = Math.min(MAX_PORT, start.value + (options.maxScan ?? DEFAULT_NEXT_FREE_SCAN) - 1);
  for (let port = start.value; port <= last; port += 1) {
    if (options.held?.has(port) === true) continue;
    if ((await bindTestTcp(port, v6)).every((t) => t.free)) return port;
  }
  return null;
}

/** What {@link lookupPort} needs. */
export interface LookupDeps {
  readonly source: SnapshotSource;
  /** Override IPv6 detection (tests). */
  readonly ipv6?: boolean;
  readonly maxScan?: number;
}

/**
 * "Who holds port N, is it free, and what is the next free port?" The port is parsed strictly
 * (the same `parsePort` every face uses). Holders come from a fresh scan; when none are listed
 * the answer is confirmed by bind tests on TCP and UDP, v4 and v6 — a listener we cannot see
 * (another user's, needs admin) shows up as EADDRINUSE there instead of passing as free
 * (bobmatnyc/trusty-tools#4517). Below 1024 a non-root bind fails with EACCES, reported as such.
 */
export async function lookupPort(port: unknown, deps: LookupDeps): Promise<Result<LookupResult>> {
  const parsed = parsePort(port);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  // The IPv6 probe (one bind) runs while the scan waits on the kernel, not after it.
  const v6Probe = deps.ipv6 ?? ipv6Available();
  const snapshot = await deps.source.refresh();
  if (snapshot.stale || snapshot.status === 'failed') {
    return err('SCAN_FAILED', `Could not list who holds port ${p}: the scan failed.`, {
      hint: snapshot.error?.message ?? 'Try again.',
    });
  }
  const holders = snapshot.listeners.filter((l) => l.port === p);
  const v6 = await v6Probe;
  const bindTests: FamilyTest[] = [];
  if (holders.length === 0) {
    // The protocol/family tests touch disjoint socket tables (v6 binds are v6-only; the one
    // dual-stack TCP bind is TCP's alone), so they run together; each still tries its wildcard
    // and loopback address one after the other (the two would collide with each other).
    const families = v6 ? ([4, 6] as const) : ([4] as const);
    const [tcp, udp] = await Promise.all([
      bindTestTcp(p, v6),
      Promise.all(families.map((family) => bindTestFamily('udp', family, p))),
    ]);
    bindTests.push(...tcp, ...udp);
  }
  const free = holders.length === 0 && bindTests.every((t) => t.free);
  const held = new Set(snapshot.listeners.filter((l) => l.protocol === 'tcp').map((l) => l.port));
  const nextFree = await nextFreePort(p, {
    held,
    ipv6: v6,
    ...(deps.maxScan !== undefined ? { maxScan: deps.maxScan } : {}),
  });
  return ok({ port: p, holders, free, bindTests, nextFree });
}
