import type { Listener } from '../../app/model/listener.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { viewerIsRoot } from '../../app/model/unknown-owner-words.js';

/**
 * The banner about owners the list cannot name, worded from the rows actually shown (never from
 * rows a filter hid) and by the real reason: another user's process (needs admin, unless
 * Harbormaster already runs as root), another container or pid namespace, a kernel socket.
 * Null when every shown row has an owner.
 */
export function ownerBanner(
  shown: readonly Listener[],
  viewer: Viewer | null,
): { readonly text: string; readonly tone: 'warn' | 'info' } | null {
  const root = viewerIsRoot(viewer);
  let permission = 0;
  let otherUser = 0;
  let namespace = 0;
  let kernel = 0;
  let other = 0;
  for (const l of shown) {
    const o = l.owner;
    if (o.kind !== 'unknown') continue;
    if (o.reason === 'other-namespace') namespace++;
    else if (o.reason === 'no-process') kernel++;
    else if (o.reason === 'permission') {
      const foreign =
        o.uid !== null && viewer?.uid !== null && viewer?.uid !== undefined && o.uid !== viewer.uid;
      if (foreign && !root) otherUser++;
      else permission++;
    } else other++;
  }
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  const parts: string[] = [];
  if (otherUser > 0)
    parts.push(
      `${n(otherUser, 'listener belongs', 'listeners belong')} to another user: admin rights show who`,
    );
  if (permission > 0)
    parts.push(
      root
        ? `${n(permission, 'owner', 'owners')} could not be read, even as root`
        : `${n(permission, 'owner', 'owners')} not readable without admin rights`,
    );
  if (namespace > 0)
    parts.push(
      `${n(namespace, 'listener is', 'listeners are')} held in another container or namespace, not visible from here`,
    );
  if (kernel > 0) parts.push(`${n(kernel, 'socket is', 'sockets are')} held by the kernel, not a process`);
  if (other > 0) parts.push(`${n(other, 'owner was', 'owners were')} not reported by the system`);
  if (parts.length === 0) return null;
  const needsAdmin = !root && (otherUser > 0 || permission > 0);
  return { text: `${parts.join('; ')}.`, tone: needsAdmin ? 'warn' : 'info' };
}
