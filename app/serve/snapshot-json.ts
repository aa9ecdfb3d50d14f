import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';

/**
 * The `snapshot` event as JSON text, built from per-listener pieces cached by object: the core
 * keeps a listener's object while its socket, owner and health are unchanged, so a push after a
 * poll that replaced 100 of 1000 listeners serialises 100, not 1000 (issue 14 item 4: whole
 * re-serialisation on every push was serve's largest CPU cost and its longest stalls). The text
 * parses to the same value as `JSON.stringify` of the message; only `listeners` moves to the end.
 */
export function createSnapshotSerializer(): (snapshot: Snapshot) => string {
  const pieces = new WeakMap<Listener, string>();
  return (snapshot) => {
    const { listeners, ...rest } = snapshot;
    const parts: string[] = [];
    for (const l of listeners) {
      let text = pieces.get(l);
      if (text === undefined) {
        text = JSON.stringify(l);
        pieces.set(l, text);
      }
      parts.push(text);
    }
    // Listener objects are never mutated (readonly all the way down), so a cached piece is exact.
    const head = JSON.stringify({ type: 'event', event: 'snapshot', data: rest });
    // head ends with `}}` (data's, then the message's); listeners go inside data.
    const inner = head.slice(0, -2);
    const sep = inner.endsWith('{') ? '' : ',';
    return `${inner}${sep}"listeners":[${parts.join(',')}]}}`;
  };
}
