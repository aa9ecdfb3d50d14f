// Over ~300 lines on purpose: the inode → pid search and the evidence for "why no owner" share one
// walk of /proc and its caches; splitting them would walk it twice or pass its state around.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { monotonicMs } from '../watch/clock.js';

/** Longest stretch of fd walking {@link SocketOwnerMap.resolveAsync} does without yielding. */
const SLICE_MS = 8;

/**
 * Why no visible process holds a socket, decided on evidence:
 * - `permission`: some process's fd links could not be read (EACCES/EPERM), so it may be the holder;
 * - `other-namespace`: every visible process was read, and we run in a child pid namespace, so
 *   processes exist that we cannot see (the holder is one of them);
 * - `no-process`: every process of the initial pid namespace was read and none holds it (a kernel
 *   socket such as nfsd's, or one closed during the scan).
 */
export type HiddenOwnerReason = 'permission' | 'other-namespace' | 'no-process';

/** Where a socket inode was found, or why not. */
export type SocketOwnerLookup =
  | { readonly kind: 'pid'; readonly pid: number }
  | { readonly kind: 'unknown'; readonly reason: HiddenOwnerReason };

/**
 * The inode of the initial pid namespace, fixed by the kernel (PROC_PID_INIT_INO, Linux ≥ 3.8).
 * From any other pid namespace, processes of the parent namespaces are invisible in /proc.
 */
export const INITIAL_PID_NAMESPACE = 'pid:[4026531836]';

/** Which pid namespace we run in: the initial one, a child one, or unknown (ns link unreadable). */
export type PidNamespaceKind = 'initial' | 'child' | 'unknown';

/** Reads `/proc/self/ns/pid` (a link such as `pid:[4026531836]`) through `readLink`. */
export function pidNamespaceKind(readLink: (path: string) => string): PidNamespaceKind {
  try {
    return readLink('/proc/self/ns/pid') === INITIAL_PID_NAMESPACE ? 'initial' : 'child';
  } catch {
    return 'unknown';
  }
}

/** EACCES and EPERM both mean "not permitted", whichever of them the kernel chose. */
function notPermitted(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
}

/** The reason for a socket nobody visible holds, given how many processes were unreadable. */
export function hiddenReason(unreadable: number, namespace: PidNamespaceKind): HiddenOwnerReason {
  if (unreadable > 0) return 'permission';
  if (namespace === 'child') return 'other-namespace';
  return 'no-process';
}

/** Counters for benchmarks and tests: how much work attribution did. */
export interface SocketOwnerStats {
  walks: number;
  pidsWalked: number;
  fdsRead: number;
  /** fds not read again because their last target is a socket still listening (see walk). */
  fdsTrusted: number;
}

/** Filesystem access used by the map (swappable so tests can fake an unreadable process). */
export interface ProcFs {
  listPids(): number[];
  listFds(pid: number): string[];
  readLink(path: string): string;
  readStat(pid: number): string;
  /** Which pid namespace this process runs in (default: read `/proc/self/ns/pid`). */
  pidNamespace?(): PidNamespaceKind;
}

/** The real `/proc`, read synchronously: one promise per readlink costs 2–4× more CPU (docs/ARCHITECTURE.md#scanner-design). */
export const realProcFs: ProcFs = {
  listPids() {
    const out: number[] = [];
    for (const name of readdirSync('/proc')) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) out.push(Number(name));
    }
    return out;
  },
  listFds: (pid) => readdirSync(`/proc/${pid}/fd`),
  readLink: (path) => readlinkSync(path),
  readStat: (pid) => readFileSync(`/proc/${pid}/stat`, 'latin1'),
  pidNamespace: () => pidNamespaceKind(readlinkSync),
};

/** Options for {@link createSocketOwnerMap}. */
export interface SocketOwnerMapOptions {
  readonly fs?: ProcFs;
  readonly now?: () => number;
  /** How long an unattributable socket waits before new processes are searched for it again. */
  readonly unknownRetryMs?: number;
  /** How long before an unattributable socket is searched for in every process again. */
  readonly unknownFullRetryMs?: number;
}

/** Maps listening-socket inodes to the pids holding them, lazily and with caches. */
export interface SocketOwnerMap {
  /**
   * Attributes every inode in `inodes`; walks `/proc/*\/fd` only for inodes it has not seen. The
   * same inodes in the same order, with every owner alive and no retry due, get the very same map
   * back (nothing is rebuilt: callers can compare by reference).
   */
  resolve(inodes: readonly string[]): ReadonlyMap<string, SocketOwnerLookup>;
  /** {@link resolve}, handing the event loop back every few milliseconds of a long fd walk. */
  resolveAsync(inodes: readonly string[]): Promise<ReadonlyMap<string, SocketOwnerLookup>>;
  readonly stats: SocketOwnerStats;
  /** Drops every cache (tests, or after a wake from sleep). */
  clear(): void;
  /** Inodes of every socket `pid` holds now (empty when unreadable or gone): one fd walk. */
  socketsOfPid(pid: number): ReadonlySet<string>;
}

/** Per-resolve cache for {@link outermostHolder}. */
interface HolderMemo {
  readonly parents: Map<number, number | null>;
  readonly sockets: Map<number, Set<string>>;
}

interface UnknownEntry {
  reason: HiddenOwnerReason;
  /** When the inode was last searched for. */
  lastTry: number;
  /** When it was last searched for in every process. */
  lastFull: number;
  /** The pids that existed at the last search: a retry looks only at pids born since. */
  pidsAtLastTry: Set<number>;
}

/**
 * The lazy inode→pid map (docs/ARCHITECTURE.md#scanner-design): a steady-state scan costs one `readdir('/proc')`;
 * a new listener costs a walk of `/proc/<pid>/fd` in the order most likely to find it first
 * (processes that already own listeners, then processes born since the last scan, then the rest,
 * newest pid first), stopping as soon as every wanted inode is found. Inodes nobody readable holds
 * (processes we may not read, other pid namespaces, kernel sockets) are remembered as unknown and
 * retried rarely — new processes every `unknownRetryMs`, everything every `unknownFullRetryMs` —
 * so one of them never forces a full walk every poll.
 */
export function createSocketOwnerMap(options: SocketOwnerMapOptions = {}): SocketOwnerMap {
  const fs = options.fs ?? realProcFs;
  let namespace: PidNamespaceKind | null = null;
  const ourNamespace = (): PidNamespaceKind => (namespace ??= fs.pidNamespace?.() ?? 'unknown');
  const now = options.now ?? Date.now;
  const retryMs = options.unknownRetryMs ?? 30_000;
  const fullRetryMs = options.unknownFullRetryMs ?? 300_000;
  const owners = new Map<string, number>();
  const unknown = new Map<string, UnknownEntry>();
  let previousPids = new Set<number>();
  const stats: SocketOwnerStats = { walks: 0, pidsWalked: 0, fdsRead: 0, fdsTrusted: 0 };
  // What each fd of a walked process pointed to at its last read: the socket inode, or '' for
  // anything else. Only consulted for processes that were alive at the last resolve too.
  const fdTargets = new Map<number, Map<string, string>>();
  // The last answer, for the steady state (issue 14 item 4: 5000 unchanged sockets cost four Map
  // and Set operations each per poll before): the inodes it answered, the pids it named, and
  // when one of its unknown inodes is next due for a search.
  let last: {
    inodes: readonly string[];
    out: ReadonlyMap<string, SocketOwnerLookup>;
    pids: ReadonlySet<number>;
    retryAt: number;
  } | null = null;

  /** True when `inodes` is the last answer's list, element by element. */
  function sameInodes(inodes: readonly string[]): boolean {
    const before = last?.inodes;
    if (!before || before.length !== inodes.length) return false;
    for (let i = 0; i < inodes.length; i += 1) if (inodes[i] !== before[i]) return false;
    return true;
  }

  /**
   * The fd walk; yields after each process, so an async caller can let the event loop run.
   *
   * With `trust`, an fd whose last read named a socket in `listening` (the inodes listening now)
   * is not read again: a new socket lands on a new fd or on one that was freed, and a freed fd's
   * old target is no longer listening (a process holding 100 listeners of which 10 were replaced
   * reads ~10 links, not ~100; issue 14 item 4, soak CPU). That is a guess about where to look,
   * never an answer: an owner is only ever named from a link read now. When the guess misses (an
   * fd closed and reused while a dup of its socket keeps that listening), the caller walks the
   * skipped processes again without it.
   */
  function* walk(
    order: readonly number[],
    wanted: Set<string>,
    listening: ReadonlySet<string>,
    trust: boolean,
  ): Generator<void, { found: Map<string, number>; unreadable: number; skipped: number[] }> {
    stats.walks += 1;
    const found = new Map<string, number>();
    const skipped: number[] = [];
    let unreadable = 0;
    for (const pid of order) {
      if (found.size === wanted.size) break;
      let fds: string[];
      try {
        fds = fs.listFds(pid);
      } catch (e) {
        if (notPermitted(e)) unreadable += 1;
        continue; // vanished (ENOENT) or unreadable
      }
      stats.pidsWalked += 1;
      const base = `/proc/${pid}/fd/`;
      const before = trust ? fdTargets.get(pid) : undefined;
      const now = new Map<string, string>();
      let trusted = 0;
      let holdsListener = false;
      // The fd directory can be listable while its links are not: a non-dumpable process (sshd,
      // setuid programs) seen from root in a user namespace, or pid 1 in some sandboxes.
      let linksDenied = false;
      for (const fd of fds) {
        const last = before?.get(fd);
        if (last && listening.has(last) && !wanted.has(last)) {
          now.set(fd, last);
          trusted += 1;
          holdsListener = true;
          continue;
        }
        let target: string;
        try {
          target = fs.readLink(base + fd);
        } catch (e) {
          if (notPermitted(e)) linksDenied = true;
          continue;
        }
        stats.fdsRead += 1;
        // "socket:[12345]"
        if (target.charCodeAt(0) !== 115 || !target.startsWith('socket:[')) {
          now.set(fd, '');
          continue;
        }
        const inode = target.slice(8, -1);
        now.set(fd, inode);
        if (listening.has(inode)) holdsListener = true;
        if (wanted.has(inode) && !found.has(inode)) found.set(inode, pid);
      }
      // Kept only for processes that hold listeners, where the guess saves reads: a desktop's
      // other processes have tens of thousands of fds.
      if (holdsListener && !linksDenied) fdTargets.set(pid, now);
      else fdTargets.delete(pid);
      if (trusted > 0) {
        stats.fdsTrusted += trusted;
        skipped.push(pid);
      }
      if (linksDenied) unreadable += 1;
      yield;
    }
    return { found, unreadable, skipped };
  }

  /**
   * Forked servers (nginx, gunicorn, node cluster) share the socket: report the outermost holder.
   * `memo` keeps, for one resolve call, each checked process's parent and socket set, so many new
   * sockets with the same parent read that parent's fds once, not once per socket.
   */
  function outermostHolder(pid: number, inode: string, alive: Set<number>, memo: HolderMemo): number {
    let current = pid;
    for (let depth = 0; depth < 8; depth += 1) {
      const ppid = parentOf(current, memo);
      if (ppid === null || ppid <= 1 || !alive.has(ppid) || !socketsOf(ppid, memo).has(inode)) return current;
      current = ppid;
    }
    return current;
  }

  function parentOf(pid: number, memo: HolderMemo): number | null {
    const known = memo.parents.get(pid);
    if (known !== undefined) return known;
    let ppid: number | null = null;
    try {
      const stat = fs.readStat(pid);
      const close = stat.lastIndexOf(')');
      const value = Number(stat.slice(close + 2).split(' ')[1]);
      ppid = Number.isInteger(value) ? value : null;
    } catch {
      ppid = null;
    }
    memo.parents.set(pid, ppid);
    return ppid;
  }

  function socketsOf(pid: number, memo: HolderMemo): Set<string> {
    const known = memo.sockets.get(pid);
    if (known) return known;
    const inodes = new Set<string>();
    try {
      for (const fd of fs.listFds(pid)) {
        try {
          const target = fs.readLink(`/proc/${pid}/fd/${fd}`);
          if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
        } catch {
          // fd closed meanwhile
        }
      }
    } catch {
      // unreadable or gone
    }
    memo.sockets.set(pid, inodes);
    return inodes;
  }

  function* resolveSteps(inodes: readonly string[]): Generator<void, ReadonlyMap<string, SocketOwnerLookup>> {
    const t = now();
    const pids = fs.listPids();
    const alive = new Set(pids);
    // Steady state: the same sockets, every owner still alive, no unknown one due for a search.
    // The same answer as last time, without touching each socket (a socket's owner only changes
    // when the owner dies, which is what the per-pid check sees).
    if (last && t < last.retryAt && sameInodes(inodes) && [...last.pids].every((p) => alive.has(p))) {
      previousPids = alive;
      return last.out;
    }
    const wantedSet = new Set(inodes);
    // A pid that was not alive at the last resolve is a new process, whatever it was before.
    for (const pid of fdTargets.keys()) if (!alive.has(pid) || !previousPids.has(pid)) fdTargets.delete(pid);
    // Forget sockets that closed, and owners that exited (their inode, if still listed, moved on).
    for (const [inode, pid] of owners) if (!wantedSet.has(inode) || !alive.has(pid)) owners.delete(inode);
    for (const inode of unknown.keys()) if (!wantedSet.has(inode)) unknown.delete(inode);

    const missing = new Set<string>();
    const retryNew = new Set<string>();
    const retryAll = new Set<string>();
    for (const inode of wantedSet) {
      if (owners.has(inode)) continue;
      const u = unknown.get(inode);
      if (!u) missing.add(inode);
      else if (t - u.lastFull >= fullRetryMs) retryAll.add(inode);
      else if (t - u.lastTry >= retryMs) retryNew.add(inode);
    }

    if (missing.size > 0 || retryAll.size > 0 || retryNew.size > 0) {
      const listenerPids = new Set(owners.values());
      const born = pids.filter((p) => !previousPids.has(p)).sort((a, b) => b - a);
      const owning = pids.filter((p) => previousPids.has(p) && listenerPids.has(p)).sort((a, b) => b - a);
      const rest = pids.filter((p) => previousPids.has(p) && !listenerPids.has(p)).sort((a, b) => b - a);
      // Processes that own listeners first: thanks to the fd guess (see walk) each costs a readdir
      // and a few links, while a build's burst of newborn processes can hold thousands of fds.
      const fullOrder = [...owning, ...born, ...rest];
      let foundAll = new Map<string, number>();
      let unreadable = 0;
      const fullWanted = new Set([...missing, ...retryAll]);
      if (fullWanted.size > 0) {
        const r = yield* walk(fullOrder, fullWanted, wantedSet, true);
        foundAll = r.found;
        unreadable = r.unreadable;
        // Some wanted socket sits on an fd the guess skipped: read those processes in full.
        const left = new Set([...fullWanted].filter((i) => !foundAll.has(i)));
        if (left.size > 0 && r.skipped.length > 0) {
          const again = yield* walk(r.skipped, left, wantedSet, false);
          for (const [i, p] of again.found) foundAll.set(i, p);
        }
      }
      // Retrying an unattributable socket: only processes born since its last search can newly hold it.
      const newOnly = [...retryNew].filter((i) => !foundAll.has(i));
      if (newOnly.length > 0) {
        const sinceOldest = new Set<number>();
        for (const i of newOnly)
          for (const p of pids) if (!unknown.get(i)?.pidsAtLastTry.has(p)) sinceOldest.add(p);
        const r = yield* walk(
          fullOrder.filter((p) => sinceOldest.has(p)),
          new Set(newOnly),
          wantedSet,
          false,
        );
        for (const [i, p] of r.found) foundAll.set(i, p);
        unreadable += r.unreadable;
      }
      const memo: HolderMemo = { parents: new Map(), sockets: new Map() };
      for (const [inode, pid] of foundAll) {
        owners.set(inode, outermostHolder(pid, inode, alive, memo));
        unknown.delete(inode);
      }
      for (const inode of [...fullWanted, ...retryNew]) {
        if (foundAll.has(inode)) continue;
        const prev = unknown.get(inode);
        const full = fullWanted.has(inode);
        // A partial retry (new processes only) that read everything proves nothing new: keep the
        // reason the last full walk found.
        const reason =
          unreadable === 0 && !full && prev ? prev.reason : hiddenReason(unreadable, ourNamespace());
        unknown.set(inode, {
          reason,
          lastTry: t,
          lastFull: full ? t : (prev?.lastFull ?? t),
          pidsAtLastTry: alive,
        });
      }
    }
    previousPids = alive;

    const out = new Map<string, SocketOwnerLookup>();
    const named = new Set<number>();
    for (const inode of wantedSet) {
      const pid = owners.get(inode);
      if (pid !== undefined) {
        out.set(inode, { kind: 'pid', pid });
        named.add(pid);
      } else out.set(inode, { kind: 'unknown', reason: unknown.get(inode)?.reason ?? 'no-process' });
    }
    let retryAt = Infinity;
    for (const inode of wantedSet) {
      const u = unknown.get(inode);
      if (u) retryAt = Math.min(retryAt, u.lastTry + retryMs, u.lastFull + fullRetryMs);
    }
    last = { inodes: [...inodes], out, pids: named, retryAt };
    return out;
  }

  return {
    stats,
    socketsOfPid(pid) {
      return socketsOf(pid, { parents: new Map(), sockets: new Map() });
    },
    clear() {
      owners.clear();
      fdTargets.clear();
      unknown.clear();
      previousPids = new Set();
      last = null;
    },
    resolve(inodes) {
      const steps = resolveSteps(inodes);
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
      }
    },
    async resolveAsync(inodes) {
      // Slices of at most ~SLICE_MS: a walk over a busy machine's process table (tens of thousands
      // of fds) otherwise blocks serve's event loop for as long (issue 14 item 4, soak stalls).
      const steps = resolveSteps(inodes);
      let sliceStart = monotonicMs();
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
        if (monotonicMs() - sliceStart >= SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = monotonicMs();
        }
      }
    },
  };
}
