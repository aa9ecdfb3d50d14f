import type { Listener } from '../../app/model/listener.js';

/**
 * The user Harbormaster treats as "me": the most common non-root owner in the snapshot (ties go
 * to the alphabetically first). The renderer has no OS access, and a desktop user's own dev
 * servers dominate their list; the scope menu lets them pick another user.
 */
export function guessCurrentUser(listeners: readonly Listener[]): string | null {
  const counts = new Map<string, number>();
  for (const l of listeners) {
    const o = l.owner;
    if (o.kind !== 'process' || o.user === null || o.user === 'root' || o.uid === 0) continue;
    if (o.uid !== null && o.uid < 1000 && o.uid !== 501) continue;
    counts.set(o.user, (counts.get(o.user) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [user, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && user < best)) {
      best = user;
      bestCount = count;
    }
  }
  return best;
}
