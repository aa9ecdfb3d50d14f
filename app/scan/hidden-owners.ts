import type { UnknownReason } from '../model/listener.js';
import type { CompletenessNote } from '../model/snapshot.js';
import { hiddenReason, realProcFs, type HiddenOwnerReason, type ProcFs } from './socket-owners.js';
import type { RawListener } from './types.js';

/**
 * Why a backend that lists sockets but walks processes itself (`ss -p`, systeminformation) left
 * owners out, decided from `/proc` the way the in-process scanner decides it: a process whose fd
 * links we may not read (EACCES/EPERM, even as root: non-dumpable processes seen from a user
 * namespace) could be the holder → `permission`; otherwise a child pid namespace → the holder is
 * outside it; otherwise no process holds the socket.
 */
export function probeHiddenReason(fs: ProcFs = realProcFs): HiddenOwnerReason {
  let unreadable = 0;
  let pids: number[];
  try {
    pids = fs.listPids();
  } catch {
    return 'permission';
  }
  for (const pid of pids) {
    try {
      const fds = fs.listFds(pid);
      // One link is enough to learn whether links are readable at all.
      const first = fds[0];
      if (first !== undefined) fs.readLink(`/proc/${pid}/fd/${first}`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        unreadable += 1;
        break;
      }
    }
  }
  return hiddenReason(unreadable, fs.pidNamespace?.() ?? 'unknown');
}

/** Options for {@link explainHiddenOwners}. */
export interface ExplainOptions {
  readonly platform?: NodeJS.Platform;
  readonly fs?: ProcFs;
  /** Whether we run as root (POSIX). */
  readonly root?: boolean;
}

/**
 * Gives every pid-less listener without a reason the reason found on evidence. Elsewhere than
 * Linux there is no `/proc` to ask: a non-root user is "not permitted", root gets "not reported".
 */
export function explainHiddenOwners(
  listeners: readonly RawListener[],
  options: ExplainOptions = {},
): RawListener[] {
  const needs = listeners.some((l) => l.pid === null && l.unknownReason === undefined);
  if (!needs) return [...listeners];
  const platform = options.platform ?? process.platform;
  const root = options.root ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const reason: UnknownReason =
    platform === 'linux' ? probeHiddenReason(options.fs) : root ? 'not-reported' : 'permission';
  return listeners.map((l) =>
    l.pid === null && l.unknownReason === undefined ? { ...l, unknownReason: reason } : l,
  );
}

/**
 * The OWNERS_HIDDEN note for listeners without a pid, worded by their reasons. Hidden sockets are
 * listed, never dropped. "Another container or namespace" is said only when that is the reason.
 */
export function hiddenOwnersNote(
  listeners: readonly RawListener[],
  // Root is never told to get admin rights (the same rule as the window's banner): when root
  // cannot read a process either, admin rights would not help.
  root: boolean = typeof process.getuid === 'function' && process.getuid() === 0,
): CompletenessNote[] {
  const hidden = listeners.filter((l) => l.pid === null);
  if (hidden.length === 0) return [];
  const count = (r: UnknownReason) => hidden.filter((l) => (l.unknownReason ?? 'permission') === r).length;
  const parts: string[] = [];
  const permission = count('permission');
  const namespace = count('other-namespace');
  const none = count('no-process');
  const other = hidden.length - permission - namespace - none;
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  if (permission > 0)
    parts.push(
      root
        ? `${n(permission, 'owner', 'owners')} not readable, even as root (a confined root, or a non-dumpable process)`
        : `${n(permission, 'owner', 'owners')} not permitted (needs admin)`,
    );
  if (namespace > 0)
    parts.push(`${n(namespace, 'owner is', 'owners are')} in another container or namespace`);
  if (none > 0) parts.push(`${n(none, 'socket is', 'sockets are')} held by no process (kernel)`);
  if (other > 0) parts.push(`${n(other, 'owner was', 'owners were')} not reported`);
  return [{ code: 'OWNERS_HIDDEN', message: `${parts.join('; ')}.`, count: hidden.length }];
}
