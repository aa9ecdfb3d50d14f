import type { Listener, Owner, ProcessOwner } from './listener.js';

/**
 * The equality rules for listeners and owners, in one place. The core's diff, the snapshotter's
 * reuse of unchanged listeners, the renderer's memoized rows and every "same process" check use
 * these; before, four copies disagreed on which fields counted.
 */

/** Deep equality for plain JSON data (what crosses IPC / WebSocket); no serialisation, no key order. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * True when `owner` is the very process incarnation `other` names: same pid and same start token
 * (a reused pid has another token). This is what a kill targets and what "its other sockets" lists.
 */
export function sameProcess(owner: Owner, other: Pick<ProcessOwner, 'pid' | 'startToken'>): boolean {
  return owner.kind === 'process' && owner.pid === other.pid && owner.startToken === other.startToken;
}

/** True when two owners show the same thing to a user (the scalar fields first: cheap to reject). */
export function sameOwner(a: Owner, b: Owner): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.pid !== b.pid || a.user !== b.user || a.uid !== b.uid) return false;
  if (a.kind === 'process' && b.kind === 'process') {
    if (
      a.startToken !== b.startToken ||
      a.name !== b.name ||
      a.command !== b.command ||
      a.startedAt !== b.startedAt ||
      a.exe !== b.exe ||
      a.cwd !== b.cwd ||
      a.ppid !== b.ppid
    ) {
      return false;
    }
  }
  return sameData(a, b);
}

/**
 * True when two listeners show the same thing to a user: every field, owner, health and service
 * included. Cheap enough for 5,000 rows per push (no JSON serialisation).
 */
export function sameListener(a: Listener, b: Listener): boolean {
  if (a === b) return true;
  if (
    a.id !== b.id ||
    a.port !== b.port ||
    a.address !== b.address ||
    a.url !== b.url ||
    a.exposure !== b.exposure ||
    a.socketId !== b.socketId ||
    a.protocol !== b.protocol ||
    a.family !== b.family ||
    a.portRange !== b.portRange
  ) {
    return false;
  }
  return sameOwner(a.owner, b.owner) && sameData(a.health, b.health) && sameData(a.service, b.service);
}
