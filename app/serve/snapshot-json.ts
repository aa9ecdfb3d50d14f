import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';

/**
 * The `snapshot` event as UTF-8 JSON bytes, built from per-listener pieces cached by object: the
 * core keeps a listener's object while its socket, owner and health are unchanged, so a push after
 * a poll that replaced 100 of 1000 listeners serialises 100, not 1000 (issue 14 item 4). The
 * pieces are kept as bytes and the message is one copy of them: building a 500 KB string per
 * push and encoding it to UTF-8 again for the socket was most of serve's CPU in the soak. The
 * bytes parse to the same value as `JSON.stringify` of the message; only `listeners` moves to
 * the end.
 */
export function createSnapshotSerializer(): (snapshot: Snapshot) => Buffer {
  const pieces = new WeakMap<Listener, Buffer>();
  const comma = Buffer.from(',');
  return (snapshot) => {
    const { listeners, ...rest } = snapshot;
    const parts: Buffer[] = [];
    // Listener objects are never mutated (readonly all the way down), so a cached piece is exact.
    const head = JSON.stringify({ type: 'event', event: 'snapshot', data: rest });
    // head ends with `}}` (data's, then the message's); listeners go inside data.
    const inner = head.slice(0, -2);
    const sep = inner.endsWith('{') ? '' : ',';
    parts.push(Buffer.from(`${inner}${sep}"listeners":[`));
    listeners.forEach((l, i) => {
      let piece = pieces.get(l);
      if (piece === undefined) {
        piece = Buffer.from(JSON.stringify(l));
        pieces.set(l, piece);
      }
      if (i > 0) parts.push(comma);
      parts.push(piece);
    });
    parts.push(Buffer.from(']}}'));
    return Buffer.concat(parts);
  };
}
