import type { Listener, Owner } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import { applyRecords, compactOwner, ownerSignature, socketKey } from './log-format.js';
import type { HistoryStore, LogPosition } from './store.js';
import type { HistoryEvent, HistoryOwner } from './types.js';

/** Records what every scan saw into the shared history. */
export interface HistoryRecorder {
  /** Diffs a snapshot against the shared state and appends the changes. Never throws. */
  observe(snapshot: Snapshot): void;
  /** The last error writing the history (a full disk, a read-only folder), if any. */
  readonly lastError: string | null;
}

/** The remembered form of an owner. */
const historyOwners = new WeakMap<Owner, HistoryOwner>();

export function historyOwner(owner: Owner): HistoryOwner {
  if (owner.kind === 'process') {
    // One object per owner: a process's listeners share it, and the log line writer caches its
    // JSON by object (formatRecord).
    const known = historyOwners.get(owner);
    if (known) return known;
    const made = compactOwner({
      kind: 'process',
      pid: owner.pid,
      startToken: owner.startToken,
      startedAt: owner.startedAt,
      name: owner.name,
      command: owner.command,
      cwd: owner.cwd,
      project: owner.project?.name ?? null,
      user: owner.user,
      uid: owner.uid,
      container: owner.container ? (owner.container.name ?? owner.container.target ?? null) : null,
    });
    historyOwners.set(owner, made);
    return made;
  }
  return {
    kind: 'unknown',
    pid: owner.pid,
    startToken: null,
    startedAt: null,
    name: null,
    command: null,
    cwd: null,
    project: null,
    user: owner.user,
    uid: owner.uid,
    container: null,
    reason: owner.reason,
  };
}

/** {@link ownerSignature} of a live owner, without building its remembered form. */
function liveSignature(owner: Owner): string {
  if (owner.kind === 'process') return `${owner.pid}:${owner.startToken}`;
  return `?${owner.reason}:${owner.uid ?? ''}:${owner.pid ?? ''}`;
}

/**
 * The shared state (which listeners are open, held by whom) is the history itself: each face
 * tails the log, so a change already recorded by the tray is not recorded again by a CLI run, and
 * a listener that vanished while no face was running is recorded as closed by the next scan.
 */
export function createHistoryRecorder(store: HistoryStore, face: string): HistoryRecorder {
  const state = new Map<string, HistoryEvent>();
  let position: LogPosition | null = null;
  let loaded = false;
  let lastListeners: readonly Listener[] | null = null;
  let lastError: string | null = null;
  // The snapshotter reuses unchanged listener objects, so their key and owner signature are
  // computed once per listener, not once per scan.
  const idsOf = new WeakMap<Listener, { key: string; signature: string }>();
  const signatures = new WeakMap<HistoryEvent, string>();
  const signatureOf = (e: HistoryEvent): string => {
    let sig = signatures.get(e);
    if (sig === undefined) {
      sig = ownerSignature(e.owner);
      signatures.set(e, sig);
    }
    return sig;
  };

  const sync = (): boolean => {
    if (!loaded) {
      const r = store.readCurrent();
      state.clear();
      applyRecords(state, r.records);
      position = r.end;
      loaded = true;
      return true;
    }
    if (position === null) {
      position = store.position();
      if (position === null) return false;
      position = { segment: position.segment, offset: 0 };
    }
    const next = store.readSince(position);
    if (next === null) {
      loaded = false;
      return sync();
    }
    position = next.end;
    if (next.records.length === 0) return false;
    applyRecords(state, next.records);
    return true;
  };

  return {
    get lastError() {
      return lastError;
    },
    observe(snapshot) {
      if (snapshot.status === 'failed' || snapshot.stale) return;
      try {
        const changedOnDisk = sync();
        // The snapshotter hands back the same array when nothing changed: no diff needed.
        if (!changedOnDisk && snapshot.listeners === lastListeners) return;
        lastListeners = snapshot.listeners;
        const seen = new Set<string>();
        const events: HistoryEvent[] = [];
        const at = snapshot.takenAt;
        for (const l of snapshot.listeners) {
          let ids = idsOf.get(l);
          if (ids === undefined) {
            ids = { key: socketKey(l), signature: liveSignature(l.owner) };
            idsOf.set(l, ids);
          }
          const key = ids.key;
          if (seen.has(key)) continue;
          seen.add(key);
          const before = state.get(key);
          if (before && signatureOf(before) === ids.signature) continue;
          const owner = historyOwner(l.owner);
          const { protocol, family, address, port } = l;
          events.push({ at, event: before ? 'owner' : 'open', protocol, family, address, port, owner, face });
        }
        for (const [key, before] of state) {
          if (seen.has(key)) continue;
          const { protocol, family, address, port } = before;
          // The holder is in the matching open/owner record (or checkpoint): not written twice.
          events.push({ at, event: 'close', protocol, family, address, port, owner: null, face });
        }
        if (events.length === 0) return;
        applyRecords(state, events);
        const end = store.append(events, () => [...state.values()], position);
        // Nobody else wrote meanwhile: skip reading our own lines back on the next scan.
        if (end !== null) position = end;
        lastError = null;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      }
    },
  };
}
