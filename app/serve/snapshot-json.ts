import { diffListeners, indexListeners } from '../contract/snapshot-delta.js';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';

/** Turns snapshots into the text of the push messages (app/contract/ws-protocol.ts). */
export interface SnapshotSerializer {
  /** The `snapshot` event: every listener. */
  full(snapshot: Snapshot): Buffer;
  /**
   * What a connection that last received `base` gets for `next`: a `snapshot-delta` event against
   * `base`, or the full `snapshot` event when there is no base or a delta cannot describe `next`.
   */
  push(base: Snapshot | null, next: Snapshot): Buffer;
}

/**
 * Snapshot pushes as UTF-8 JSON bytes, built from per-listener pieces cached by object: the core
 * keeps a listener's object while its socket, owner and health are unchanged, so a push after a
 * poll that replaced 100 of 1000 listeners serialises 100, not 1000, once for every connection
 * (issue 14 item 4). The pieces are kept as bytes and a message is one copy of them: building a
 * 500 KB string per push and encoding it to UTF-8 again for the socket was most of serve's CPU in
 * the soak; sending only the changes (deltas) removed most of the rest. The bytes parse to the
 * same value as `JSON.stringify` of the message; `seq` comes first in the snapshot's fields and
 * the listeners (or upserts) last.
 */
export function createSnapshotSerializer(): SnapshotSerializer {
  const pieces = new WeakMap<Listener, Buffer>();
  // Id → position of each listener array pushed: built once per snapshot, used as `next` of one
  // delta and as `base` of the following one.
  const indexes = new WeakMap<readonly Listener[], Map<string, number> | null>();
  const indexOf = (listeners: readonly Listener[]): Map<string, number> | null => {
    let index = indexes.get(listeners);
    if (index === undefined) {
      index = indexListeners(listeners);
      indexes.set(listeners, index);
    }
    return index;
  };
  const comma = Buffer.from(',');
  const headOf = (snapshot: Snapshot): string => {
    const { seq, listeners: _listeners, ...rest } = snapshot;
    return JSON.stringify({ seq, ...rest });
  };
  /** `prefix`, then the listeners' cached pieces as a JSON array, then `suffix`. */
  const withListeners = (prefix: string, listeners: readonly Listener[], suffix: string): Buffer => {
    const parts: Buffer[] = [Buffer.from(prefix)];
    listeners.forEach((l, i) => {
      let piece = pieces.get(l);
      if (piece === undefined) {
        // Listener objects are never mutated (readonly all the way down), so a cached piece is exact.
        piece = Buffer.from(JSON.stringify(l));
        pieces.set(l, piece);
      }
      if (i > 0) parts.push(comma);
      parts.push(piece);
    });
    parts.push(Buffer.from(suffix));
    return Buffer.concat(parts);
  };
  const full = (snapshot: Snapshot): Buffer => {
    const head = headOf(snapshot);
    // head ends with `}`; the listeners go inside it, last.
    return withListeners(
      `{"type":"event","event":"snapshot","data":${head.slice(0, -1)},"listeners":[`,
      snapshot.listeners,
      ']}}',
    );
  };
  return {
    full,
    push(base, next) {
      if (base === null || base.seq >= next.seq) return full(next);
      const changes = diffListeners(
        base.listeners,
        next.listeners,
        indexOf(base.listeners),
        indexOf(next.listeners),
      );
      if (changes === null) return full(next);
      return withListeners(
        `{"type":"event","event":"snapshot-delta","data":{"snapshot":${headOf(next)},"baseSeq":${base.seq},` +
          `"removed":${JSON.stringify(changes.removed)},"at":${JSON.stringify(changes.at)},"upserts":[`,
        changes.upserts,
        ']}}',
      );
    },
  };
}
