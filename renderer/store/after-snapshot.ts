import type { Listener } from '../../app/model/listener.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import type { AppState, DownWatch } from './app-store.js';
import { viewOf } from './view-of.js';

/** A watched port that went down or came back with this snapshot. */
export interface WatchChange {
  readonly port: number;
  readonly kind: 'down' | 'back';
  /** What held it (down) or holds it now (back). */
  readonly listener: Listener | null;
}

/** The listener that best names who held a port: a TCP socket with a known owner first. */
function holderOf(listeners: readonly Listener[], port: number): Listener | null {
  const on = listeners.filter((l) => l.port === port);
  return (
    on.find((l) => l.protocol === 'tcp' && l.owner.kind === 'process') ??
    on.find((l) => l.owner.kind === 'process') ??
    on[0] ??
    null
  );
}

/**
 * Watched ports after a snapshot (issue 16 item 5): one that goes down stays listed as "down" with
 * when and what held it, until it is back or unwatched. A failed or stale scan is not a port going
 * down; the first snapshot has nothing to compare with.
 */
export function nextDownWatched(
  before: Pick<AppState, 'snapshot' | 'listeners' | 'downWatched'>,
  listeners: readonly Listener[],
  snapshot: Snapshot,
  watched: readonly number[],
  now: number,
): { readonly downWatched: ReadonlyMap<number, DownWatch>; readonly changes: readonly WatchChange[] } {
  const wanted = new Set(watched);
  const down = new Map([...before.downWatched].filter(([port]) => wanted.has(port)));
  const changes: WatchChange[] = [];
  if (before.snapshot === null || snapshot.stale || snapshot.status === 'failed') {
    return { downWatched: down.size === before.downWatched.size ? before.downWatched : down, changes };
  }
  const upBefore = new Set(before.listeners.map((l) => l.port));
  const upNow = new Set(listeners.map((l) => l.port));
  for (const port of wanted) {
    if (upBefore.has(port) && !upNow.has(port)) {
      const last = holderOf(before.listeners, port);
      down.set(port, { since: now, last });
      changes.push({ port, kind: 'down', listener: last });
    } else if (!upBefore.has(port) && upNow.has(port)) {
      down.delete(port);
      changes.push({ port, kind: 'back', listener: holderOf(listeners, port) });
    } else if (upNow.has(port)) down.delete(port);
  }
  const same =
    down.size === before.downWatched.size && [...down].every(([p, d]) => before.downWatched.get(p) === d);
  return { downWatched: same ? before.downWatched : down, changes };
}

/**
 * Where the selection goes when the selected listener disappears (issue 16 item 4): to its
 * neighbour in the list as it was shown (the next live row, else the previous one), or to nothing;
 * never to an unrelated row. Undefined when the selection stays.
 */
export function selectionAfter(
  before: AppState,
  live: ReadonlyMap<string, Listener>,
): string | null | undefined {
  const id = before.selectedId;
  if (id === null || !before.byId.has(id) || live.has(id)) return undefined;
  const order = viewOf(before).rowIds;
  const at = order.indexOf(id);
  if (at < 0) return null;
  for (let i = at + 1; i < order.length; i++) {
    const next = order[i];
    if (next !== undefined && live.has(next)) return next;
  }
  for (let i = at - 1; i >= 0; i--) {
    const prev = order[i];
    if (prev !== undefined && live.has(prev)) return prev;
  }
  return null;
}

/** A watched project that went down (none of its processes listens any more) or came back. */
export interface ProjectChange {
  readonly project: string;
  readonly kind: 'down' | 'back';
  /** What held its last port (down) or holds one now (back). */
  readonly listener: Listener | null;
}

function projectName(l: Listener): string | null {
  return l.owner.kind === 'process' ? (l.owner.project?.name ?? null) : null;
}

/**
 * Watched projects after a snapshot (issue 16 item 5, as main's notifier treats them): a project is
 * up while any of its processes listens. A failed or stale scan is not a project going down; the
 * first snapshot has nothing to compare with.
 */
export function watchedProjectChanges(
  before: Pick<AppState, 'snapshot' | 'listeners'>,
  listeners: readonly Listener[],
  snapshot: Snapshot,
  projects: readonly string[],
): readonly ProjectChange[] {
  if (projects.length === 0 || before.snapshot === null || snapshot.stale || snapshot.status === 'failed')
    return [];
  const changes: ProjectChange[] = [];
  for (const project of new Set(projects)) {
    const was = before.listeners.find((l) => projectName(l) === project) ?? null;
    const is = listeners.find((l) => projectName(l) === project) ?? null;
    if (was !== null && is === null) changes.push({ project, kind: 'down', listener: was });
    else if (was === null && is !== null) changes.push({ project, kind: 'back', listener: is });
  }
  return changes;
}
