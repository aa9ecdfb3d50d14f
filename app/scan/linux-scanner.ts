import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { hmError } from '../model/errors.js';
import type { CompletenessNote } from '../model/snapshot.js';
import { openNetlinkLister, type NetlinkLister } from './netlink-diag.js';
import { parseProcNet, PROC_NET_FILES, type ProcNetSocket } from './parse-proc-net.js';
import { hiddenOwnersNote } from './hidden-owners.js';
import {
  createSocketOwnerMap,
  type SocketOwnerLookup,
  type SocketOwnerMap,
  type SocketOwnerMapOptions,
} from './socket-owners.js';
import type { RawListener, ScanOutcome, Scanner } from './types.js';

/** Options for {@link createLinuxScanner}. */
export interface LinuxScannerOptions {
  /** `auto` (default): netlink sock_diag when the module loads, else procfs. */
  readonly listing?: 'auto' | 'netlink' | 'procfs';
  readonly owners?: SocketOwnerMapOptions;
  /** Root of procfs (tests). */
  readonly procNetRoot?: string;
  /**
   * Only these ports, plus every other socket their holders hold (the CLI's port commands):
   * owners are looked up for these sockets alone, so the `/proc/*\/fd` walk stops as soon as
   * they are found instead of attributing every socket on the machine (issue 14 item 2).
   */
  readonly focusPorts?: readonly number[];
}

/** A Linux scanner plus its attribution map (exposed for benchmarks). */
export interface LinuxScanner extends Scanner {
  readonly ownerMap: SocketOwnerMap;
}

/** Reads `/proc/net/{tcp,tcp6,udp,udp6}`; a missing v6 file (IPv6 disabled) is not an error. */
export function listProcNet(root = '/proc/net'): { sockets: ProcNetSocket[]; skipped: number } {
  const little = endianness() === 'LE';
  const sockets: ProcNetSocket[] = [];
  let skipped = 0;
  for (const [file, protocol, family] of PROC_NET_FILES) {
    let text: string;
    try {
      text = readFileSync(`${root}/${file}`, 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && family === 6) continue;
      throw e;
    }
    const r = parseProcNet(text, protocol, family, little);
    if (r.unrecognized) throw new Error(`${root}/${file}: ${r.unrecognized.reason}`);
    sockets.push(...r.sockets);
    skipped += r.skipped;
  }
  return { sockets, skipped };
}

/**
 * The sockets on `ports`, plus every other listening socket held by a process that holds one of
 * them (a kill frees those too, and says so). Owners of the focused sockets are resolved first:
 * the fd walk stops once they are found; their holders' fd tables name the rest.
 */
async function focusedSockets(
  sockets: readonly ProcNetSocket[],
  ports: ReadonlySet<number>,
  ownerMap: SocketOwnerMap,
): Promise<ProcNetSocket[]> {
  const onPorts = sockets.filter((s) => ports.has(s.port));
  const holders = new Set<number>();
  for (const who of (await ownerMap.resolveAsync(onPorts.map((s) => s.inode))).values()) {
    if (who.kind === 'pid') holders.add(who.pid);
  }
  const alsoHeld = new Set<string>();
  for (const pid of holders) for (const inode of ownerMap.socketsOfPid(pid)) alsoHeld.add(inode);
  return sockets.filter((s) => ports.has(s.port) || alsoHeld.has(s.inode));
}

/** True when `sockets` are `listeners`' sockets, one for one and in order, with nothing changed. */
function sameSockets(sockets: readonly ProcNetSocket[], listeners: readonly RawListener[]): boolean {
  if (sockets.length !== listeners.length) return false;
  for (let i = 0; i < sockets.length; i += 1) {
    const s = sockets[i] as ProcNetSocket;
    const l = listeners[i] as RawListener;
    if (
      l.socketId !== s.inode ||
      l.port !== s.port ||
      l.address !== s.address ||
      l.protocol !== s.protocol ||
      l.family !== s.family ||
      l.uid !== s.uid
    )
      return false;
  }
  return true;
}

/**
 * The Linux fast path: list listeners with netlink sock_diag (kernel-filtered, immune to
 * established/TIME_WAIT sockets) or `/proc/net/*`, then attribute inodes to pids through the lazy
 * {@link SocketOwnerMap}. Netlink failures fall back to procfs for the rest of the process's life.
 */
export function createLinuxScanner(options: LinuxScannerOptions = {}): LinuxScanner {
  const listing = options.listing ?? 'auto';
  let lister: NetlinkLister | null = listing === 'procfs' ? null : openNetlinkLister();
  const ownerMap = createSocketOwnerMap(options.owners);
  let fellBack = listing !== 'procfs' && lister === null;
  // Last scan's listeners by inode: an unchanged socket is handed out as the same object, so the
  // snapshotter skips it by identity instead of rebuilding its id and row (issue 14 item 4).
  let previous = new Map<string, RawListener>();
  // The last scan's answer as a whole: when the kernel lists the same sockets in the same order and
  // the owner map hands back the same lookups, the list itself is reused (issue 14 item 4).
  let lastScan: {
    lookups: ReadonlyMap<string, SocketOwnerLookup>;
    listeners: RawListener[];
    notes: CompletenessNote[];
  } | null = null;

  const scanner: LinuxScanner = {
    get id() {
      return lister ? ('netlink' as const) : ('procfs' as const);
    },
    ownerMap,
    async scan(signal?: AbortSignal): Promise<ScanOutcome> {
      const notes: CompletenessNote[] = [];
      let sockets: ProcNetSocket[];
      const backend = lister ? ('netlink' as const) : ('procfs' as const);
      try {
        // /proc/net/*: the backend without netlink, and the fallback when netlink stops answering.
        const fromProcNet = () => {
          const r = listProcNet(options.procNetRoot);
          if (r.skipped > 0) {
            notes.push({
              code: 'PARTIAL_OUTPUT',
              message: `${r.skipped} unreadable lines in /proc/net were skipped.`,
              count: r.skipped,
            });
          }
          return r.sockets;
        };
        if (lister) {
          try {
            sockets = await lister.list();
          } catch {
            lister.close();
            lister = null;
            fellBack = true;
            sockets = fromProcNet();
          }
        } else {
          sockets = fromProcNet();
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return {
          ok: false,
          backend,
          error:
            code === 'EACCES' || code === 'EPERM'
              ? hmError('EPERM', 'Not allowed to read /proc/net: the socket list is hidden from this user.')
              : hmError('SCAN_FAILED', `Could not read the socket list: ${(e as Error).message}`),
        };
      }
      if (listing === 'netlink' && fellBack) {
        notes.push({
          code: 'FALLBACK',
          message: 'Netlink sock_diag is unavailable here; read /proc/net instead.',
        });
      }
      // The owner walk is synchronous and can be long: not started once the deadline has passed.
      if (signal?.aborted) {
        return {
          ok: false,
          backend,
          error: hmError('TIMEOUT', 'The scan was stopped: its deadline passed.'),
        };
      }
      const focus = options.focusPorts ? new Set(options.focusPorts) : null;
      if (focus) sockets = await focusedSockets(sockets, focus, ownerMap);
      // Async: a long fd walk (many new sockets on a busy machine) yields to the event loop.
      const lookups = await ownerMap.resolveAsync(sockets.map((s) => s.inode));
      if (lastScan && lookups === lastScan.lookups && sameSockets(sockets, lastScan.listeners)) {
        notes.push(...lastScan.notes);
        return { ok: true, backend: lister ? 'netlink' : backend, listeners: lastScan.listeners, notes };
      }
      let hidden = 0;
      const current = new Map<string, RawListener>();
      const listeners: RawListener[] = sockets.map((s) => {
        const who = lookups.get(s.inode);
        const pid = who?.kind === 'pid' ? who.pid : null;
        if (pid === null) hidden += 1;
        const reason = who?.kind === 'unknown' ? who.reason : undefined;
        const before = previous.get(s.inode);
        const raw: RawListener =
          before !== undefined &&
          before.pid === pid &&
          before.unknownReason === reason &&
          before.port === s.port &&
          before.address === s.address &&
          before.protocol === s.protocol &&
          before.family === s.family &&
          before.uid === s.uid
            ? before
            : {
                protocol: s.protocol,
                family: s.family,
                address: s.address,
                port: s.port,
                socketId: s.inode,
                uid: s.uid,
                pid,
                processName: null,
                ...(reason !== undefined ? { unknownReason: reason } : {}),
              };
        current.set(s.inode, raw);
        return raw;
      });
      previous = current;
      const hiddenNotes = hidden > 0 ? hiddenOwnersNote(listeners) : [];
      notes.push(...hiddenNotes);
      lastScan = { lookups, listeners, notes: hiddenNotes };
      return { ok: true, backend: lister ? 'netlink' : backend, listeners, notes };
    },
    dispose() {
      lister?.close();
      lister = null;
      ownerMap.clear();
      previous = new Map();
      lastScan = null;
    },
  };
  return scanner;
}
